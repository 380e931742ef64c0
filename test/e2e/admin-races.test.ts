// End to end, the admin write races of issue 7 against the real local stack (emulator +
// `wrangler dev`, the Durable Object in its SQLite storage), over real HTTP.
import { describe, expect, it } from 'vitest'
import { useE2eStack } from './helpers.ts'

const e2e = useE2eStack('admin-races', { seedShares: false })

function api(path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) {
	const { stack } = e2e
	return fetch(`${stack.workerUrl}/api/shares${path}`, {
		method: init.method ?? 'GET',
		headers: {
			authorization: `Bearer ${stack.adminToken}`,
			...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
			...init.headers,
		},
		...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
	})
}

describe('admin writes over real HTTP', () => {
	it('lets exactly one of 20 concurrent creates of one id win', async () => {
		const results = await Promise.all(
			Array.from({ length: 20 }, (_, n) =>
				api('', { method: 'POST', json: { key: `docs/report.pdf`, id: 'e2e-race', note: `racer ${n}` } }),
			),
		)
		const statuses = results.map((res) => res.status).sort()
		expect(statuses.filter((status) => status === 201)).toHaveLength(1)
		expect(statuses.filter((status) => status === 409)).toHaveLength(19)
		const winner = (await (results.find((res) => res.status === 201) as Response).json()) as { note: string }
		expect(await (await api('/e2e-race')).json()).toMatchObject({ note: winner.note })
	})

	it('keeps a share deleted when PATCHes race its DELETE, and its link stops working', async () => {
		for (let round = 0; round < 5; round++) {
			const id = `e2e-delete-${round}`
			expect((await api('', { method: 'POST', json: { key: 'docs/report.pdf', id } })).status).toBe(201)
			const patches = Array.from({ length: 3 }, () => api(`/${id}`, { method: 'PATCH', json: { note: 'x' } }))
			const [deleted] = await Promise.all([api(`/${id}`, { method: 'DELETE' }), ...patches])
			expect(deleted.status).toBe(204)
			expect((await api(`/${id}`, { method: 'PATCH', json: { note: 'back?' } })).status).toBe(404)
			expect((await fetch(e2e.stack.link(id), { redirect: 'manual' })).status).toBe(404)
		}
	})

	it('loses no update when two PATCHes race', async () => {
		expect(
			(await api('', { method: 'POST', json: { key: 'docs/report.pdf', id: 'e2e-patch' } })).status,
		).toBe(201)
		const past = new Date(Date.now() - 60_000).toISOString()
		await Promise.all([
			api('/e2e-patch', { method: 'PATCH', json: { expiresAt: past } }),
			api('/e2e-patch', { method: 'PATCH', json: { note: 'edited' } }),
		])
		expect(await (await api('/e2e-patch')).json()).toMatchObject({
			note: 'edited',
			status: 'expired',
			revision: 3,
		})
		expect((await fetch(e2e.stack.link('e2e-patch'), { redirect: 'manual' })).status).toBe(410)
	})
})
