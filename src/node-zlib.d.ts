// The one Node built-in the worker uses (nodejs_compat; workerd implements it natively).
// Declared here rather than through @types/node, whose globals clash with the Workers types.
declare module 'node:zlib' {
	/** CRC-32 of `data`, continuing from `value` (default 0). */
	export function crc32(data: string | ArrayBufferView, value?: number): number
}
