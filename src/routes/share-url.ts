// The public address of a share: PUBLIC_BASE_URL when set, else the origin the request came
// to. One rule for the admin API's `url`, the download page's link, QR code and og:url.
import type { Config } from '../env.ts'

export function shareUrlFor(config: Pick<Config, 'publicBaseUrl'>, requestUrl: string, id: string): string {
	return `${config.publicBaseUrl ?? new URL(requestUrl).origin}/${encodeURIComponent(id)}`
}
