// What the folder routes share: one level's listing, with storage failures as 502.
import { ListError } from '../../cos/list.ts'
import { AppError } from '../../errors.ts'
import { log } from '../../log.ts'
import { type LevelRequest, type Listing, listOf, toListing } from './listing.ts'

export function lastName(path: string): string {
	const parts = path.split('/').filter((part) => part !== '')
	return parts.at(-1) ?? ''
}

/**
 * A listing COS did not give, as a file share answers a failed object: 502 origin_error,
 * whether COS answered an error, answered nonsense, could not be reached or did not answer
 * in time. One warn line says which (no URL: it would carry the prefix).
 */
function listingFailed(error: unknown): never {
	if (error instanceof ListError) {
		const cause = error.cause instanceof Error ? error.cause.name : undefined
		log('warn', 'listing_failed', {
			status: error.status,
			reason: error.timedOut ? 'timeout' : error.status === 0 ? 'unreachable' : 'answer',
			type: cause,
		})
		const detail = error.timedOut
			? 'The storage service did not answer in time.'
			: error.status === 0
				? 'The storage service could not be reached.'
				: 'The storage service could not list this folder.'
		throw new AppError('origin_error', detail)
	}
	throw error
}

export async function listing(req: LevelRequest): Promise<Listing> {
	try {
		return toListing(req, await listOf(req))
	} catch (error) {
		return listingFailed(error)
	}
}
