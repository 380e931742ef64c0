// A per-isolate memo that cannot grow without bound: at most `limit` entries, the least
// recently used forgotten first. Only for values that are a pure function of their key, or
// whose key holds everything they depend on, so that an entry can never be stale.

export class BoundedMap<K, V> {
	readonly #map = new Map<K, V>()
	readonly limit: number

	constructor(limit: number) {
		if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be ≥ 1, not ${limit}`)
		this.limit = limit
	}

	get size(): number {
		return this.#map.size
	}

	has(key: K): boolean {
		return this.#map.has(key)
	}

	/** The value for `key`, now the most recently used; undefined when there is none. */
	get(key: K): V | undefined {
		const value = this.#map.get(key)
		if (value !== undefined) {
			// A Map iterates in insertion order: re-inserting makes the entry the newest.
			this.#map.delete(key)
			this.#map.set(key, value)
		}
		return value
	}

	set(key: K, value: V): void {
		this.#map.delete(key)
		if (this.#map.size >= this.limit) {
			const oldest = this.#map.keys().next()
			if (!oldest.done) this.#map.delete(oldest.value)
		}
		this.#map.set(key, value)
	}

	/** The value for `key`, made by `make` and remembered when there is none. */
	getOrMake(key: K, make: (key: K) => V): V {
		let value = this.get(key)
		if (value === undefined) {
			value = make(key)
			this.set(key, value)
		}
		return value
	}

	clear(): void {
		this.#map.clear()
	}
}
