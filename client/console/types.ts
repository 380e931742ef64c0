// What the console reads from the admin API (the OpenAPI document's Share, ShareSummary,
// ShareStats and BucketListing), only the fields it uses.

export type Kind = 'file' | 'folder' | 'upload'
export type Status = 'active' | 'scheduled' | 'expired' | 'exhausted'

export interface ShareSummary {
	id: string
	type: Kind
	key?: string
	prefix?: string
	expiresAt?: string
	notBefore?: string
	createdAt: string
	note?: string
	url: string
	status: Status
}

export interface ShareList {
	shares: ShareSummary[]
	cursor: string | null
}

export interface Share extends ShareSummary {
	protected: boolean
	page: boolean
	delivery?: 'redirect' | 'stream'
	filename?: string
	maxDownloads?: number
	expiresAfterFirstDownload?: number
	downloads?: number
	remainingDownloads?: number | null
	passwordKind?: 'code'
	extractionCode?: string
	urlWithCode?: string
	bandwidthLimit?: number
	cache?: { maxAge: number }
	sent?: true
	upload?: { maxFileSize: number; maxFiles?: number; allowedExtensions?: string[] }
	revision?: number
}

export interface Counted {
	downloads: number
}

export interface ShareStats {
	id: string
	downloads: number
	views: number
	bots: number
	visitors: number
	series: { t: string; downloads: number; views: number }[]
	countries: ({ code: string | null } & Counted)[]
	referrers: ({ host: string | null } & Counted)[]
	agents: ({ family: string } & Counted)[]
	files?: ({ path: string } & Counted)[]
}

export interface BucketListing {
	prefix: string
	folders: { name: string; prefix: string }[]
	files: { name: string; key: string; size: number; lastModified: string }[]
	cursor: string | null
}

export type SendStart =
	| {
			method: 'PUT'
			url: string
			headers: Record<string, string>
			key: string
			folder: string
			prefix: string
			name: string
	  }
	| {
			uploadId: string
			partSize: number
			partCount: number
			token: string
			key: string
			folder: string
			prefix: string
			name: string
	  }
