// Sample objects for local runs and end-to-end tests: each one exercises something the
// worker must get right (inline-safe types, refused active content, awkward keys, size).
import { emptyZip, gradientPng, minimalPdf, pseudoRandomChunks } from './samples.ts'
import { type ObjectBody, putObject } from './store.ts'

export interface SeedOptions {
	/** Size of big/blob.bin in bytes. Default 8 MiB. */
	bigSize?: number
}

export const DEFAULT_BIG_SIZE = 8 * 1024 * 1024

interface Sample {
	key: string
	body: () => ObjectBody
	contentType: string
}

function samples(bigSize: number): Sample[] {
	return [
		{ key: 'docs/report.pdf', body: () => minimalPdf('Quarterly report'), contentType: 'application/pdf' },
		{ key: 'images/logo.png', body: () => gradientPng(), contentType: 'image/png' },
		{ key: 'big/blob.bin', body: () => pseudoRandomChunks(bigSize), contentType: 'application/octet-stream' },
		{
			key: 'unicode/季度报告 Q3.txt',
			body: () => '第三季度报告\nQuarterly report, Q3.\n',
			contentType: 'text/plain; charset=utf-8',
		},
		{
			key: 'names/a+b c.txt',
			body: () => 'a plus, b, a space, c\n',
			contentType: 'text/plain; charset=utf-8',
		},
		// The zero-byte "folder object" the COS console creates for a new folder.
		{ key: 'folder/', body: () => '', contentType: 'application/octet-stream' },
		{ key: 'folder/readme.md', body: () => '# Folder\n\nA shared folder.\n', contentType: 'text/markdown' },
		{ key: 'folder/notes.txt', body: () => 'notes\n', contentType: 'text/plain; charset=utf-8' },
		{ key: 'folder/sub/data.csv', body: () => 'id,name\n1,alpha\n2,beta\n', contentType: 'text/csv' },
		// Active content: the worker must never serve these inline from its own origin.
		{
			key: 'page.html',
			body: () => '<!doctype html><title>x</title><script>alert(document.domain)</script>\n',
			contentType: 'text/html',
		},
		{
			key: 'image.svg',
			body: () =>
				'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.domain)</script></svg>\n',
			contentType: 'image/svg+xml',
		},
		{ key: 'app.apk', body: () => emptyZip(), contentType: 'application/vnd.android.package-archive' },
	]
}

/** How many files demo-folder/many/ holds: more than one listing page (1,000). */
export const DEMO_FOLDER_MANY = 1200

/**
 * A nested folder to share as a whole: unicode names, '+', '%' and a space in keys, an
 * empty sub-folder (the console's zero-byte folder object), two levels below the root, and
 * one folder with more files than a listing page holds.
 */
function folderSamples(): Sample[] {
	const text = 'text/plain; charset=utf-8'
	const list: Sample[] = [
		{ key: 'demo-folder/readme.txt', body: () => 'A shared folder.\n', contentType: text },
		{ key: 'demo-folder/100% done + more.txt', body: () => 'percent, plus, space\n', contentType: text },
		{ key: 'demo-folder/报告 2026/季度 Q1.txt', body: () => '第一季度\n', contentType: text },
		{ key: 'demo-folder/报告 2026/📷 photo.png', body: () => gradientPng(), contentType: 'image/png' },
		{ key: 'demo-folder/报告 2026/细节/data.csv', body: () => 'id,name\n1,甲\n', contentType: 'text/csv' },
		{ key: 'demo-folder/empty/', body: () => '', contentType: 'application/octet-stream' },
	]
	for (let i = 0; i < DEMO_FOLDER_MANY; i++) {
		const name = `file-${String(i).padStart(4, '0')}.txt`
		list.push({ key: `demo-folder/many/${name}`, body: () => `${name}\n`, contentType: text })
	}
	return list
}

/** Writes the sample objects into a store root; returns their keys. */
export async function seedSampleObjects(root: string, options: SeedOptions = {}): Promise<string[]> {
	const list = [...samples(options.bigSize ?? DEFAULT_BIG_SIZE), ...folderSamples()]
	for (const sample of list) await putObject(root, sample.key, sample.body(), sample.contentType)
	return list.map((sample) => sample.key)
}
