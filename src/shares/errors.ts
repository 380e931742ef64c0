// What can go wrong with a share record, in words that know nothing of HTTP: the one
// error renderer (respond.tsx `asAppError`) turns each into the status a client sees.

/** A create named an id that is taken. */
export class ShareExistsError extends Error {
	override readonly name = 'ShareExistsError'
	readonly id: string
	constructor(id: string) {
		super(`A share with the id "${id}" already exists.`)
		this.id = id
	}
}

/** A write named an id that has no share (never had one, or it was deleted). */
export class ShareNotFoundError extends Error {
	override readonly name = 'ShareNotFoundError'
	constructor(id: string) {
		super(`There is no share "${id}".`)
	}
}

/** A conditional write (`If-Match`) named a revision that is no longer the current one. */
export class PreconditionFailedError extends Error {
	override readonly name = 'PreconditionFailedError'
	constructor(id: string) {
		super(`The share "${id}" has changed since that revision; read it again and retry.`)
	}
}

/** An edit that would leave the record invalid, naming the field at fault. */
export class InvalidShareError extends Error {
	override readonly name = 'InvalidShareError'
	readonly field: string
	readonly problem: string
	constructor(field: string, problem: string) {
		super(`${field}: ${problem}`)
		this.field = field
		this.problem = problem
	}
}

/** A stored record this code cannot read, met by an edit: it can only be deleted or recreated. */
export class UneditableRecordError extends Error {
	override readonly name = 'UneditableRecordError'
	constructor(id: string) {
		super(`The stored share "${id}" does not match the record schema; delete it and create it again.`)
	}
}
