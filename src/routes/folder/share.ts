// What the folder routes share: one level's listing, with storage failures as 502.
import { ListError } from '../../cos/list.ts'
import { AppError } from '../../errors.ts'
import { log } from '../../log.ts'
import { type LevelRequest, type Listing, listOf, toListing } from './listing.ts'

export function lastName(path: string): string {
	const parts = path.split('/').filter((part) => part !== '')
	return parts.at(-1) ?? ''
}

function listingFailed(error: unknown): never {
	if (error instanceof ListError) {
		log('warn', 'listing_failed', { status: error.status })
		throw new AppError(
			502,
			'origin_error',
			'The storage service could not list this folder. Please try again.',
		)
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
