// GET /api/docs: the admin API's reference, rendered from its OpenAPI document on the
// worker. One self-contained page: its stylesheet inline (with the CSP nonce), no script,
// no font, no request to anyone.
import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import { PageMeta } from './layout.tsx'

/** The parts of a JSON Schema (OpenAPI 3.1) the page shows. */
export interface SchemaObject {
	$ref?: string
	type?: string | string[]
	title?: string
	description?: string
	properties?: Record<string, SchemaObject>
	required?: string[]
	items?: SchemaObject
	oneOf?: SchemaObject[]
	anyOf?: SchemaObject[]
	enum?: unknown[]
	const?: unknown
	format?: string
	pattern?: string
	default?: unknown
	example?: unknown
	minimum?: number
	maximum?: number
	minLength?: number
	maxLength?: number
	minItems?: number
	maxItems?: number
	additionalProperties?: boolean | SchemaObject
}

interface MediaContent {
	[mediaType: string]: { schema?: SchemaObject }
}

interface Operation {
	summary?: string
	description?: string
	tags?: string[]
	security?: Record<string, string[]>[]
	parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: SchemaObject }[]
	requestBody?: { required?: boolean; content?: MediaContent }
	responses?: Record<
		string,
		{
			description?: string
			headers?: Record<string, { schema?: SchemaObject; description?: string }>
			content?: MediaContent
		}
	>
}

export interface OpenApiDocument {
	openapi: string
	info: { title: string; version: string; description?: string }
	paths?: Record<string, Record<string, Operation>>
	components?: { schemas?: Record<string, SchemaObject> }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#161a22;--muted:#4f5769;--line:#e2e5eb;--soft:#f3f4f7;--accent:#1d4ed8;
--get:#166534;--post:#1d4ed8;--patch:#92400e;--delete:#b91c1c}
@media (prefers-color-scheme:dark){:root{--bg:#0e1014;--fg:#e9ebf1;--muted:#a6adbb;--line:#2a2f3a;--soft:#171a21;--accent:#8ab4ff;
--get:#86efac;--post:#93c5fd;--patch:#fcd34d;--delete:#fca5a5}}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:60rem;margin:0 auto;padding:1.5rem 1rem 4rem}
a{color:var(--accent)}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2.5rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.3rem}
h3{font-size:1.05rem;margin:0;display:flex;gap:.6rem;align-items:baseline;flex-wrap:wrap}
h4{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:1rem 0 .3rem}
code,.path{font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.op{border:1px solid var(--line);border-radius:10px;padding:1rem 1.1rem;margin:1rem 0;background:var(--bg)}
.method{font:700 12px/1 ui-monospace,monospace;text-transform:uppercase;padding:.3rem .45rem;border-radius:5px;border:1px solid currentColor}
.get{color:var(--get)}.post{color:var(--post)}.patch{color:var(--patch)}.delete{color:var(--delete)}
.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%;font-size:14px}
td,th{text-align:left;vertical-align:top;padding:.35rem .5rem;border-top:1px solid var(--line)}
th{font-weight:600;color:var(--muted);font-size:12px}
td:first-child{white-space:nowrap}
.req{color:var(--delete);font-weight:700}
.nest{margin:.3rem 0 0 .2rem;padding-left:.7rem;border-left:2px solid var(--line)}
.status{font-weight:700;font-family:ui-monospace,monospace}
nav ul{columns:2;padding-left:1.1rem}
pre{background:var(--soft);padding:.8rem;border-radius:8px;overflow:auto}
`

const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1)

/** Text whose `backticked` parts are code, as the document's descriptions write them. */
function Text(props: { text: string | undefined }): Child {
	if (!props.text) return null
	return (
		<>{props.text.split(/`([^`]+)`/).map((part, index) => (index % 2 === 1 ? <code>{part}</code> : part))}</>
	)
}

/** A variant's name: its title, its schema's name, or the kind its `type` names. */
function variantName(variant: SchemaObject, index: number): string {
	if (variant.title) return variant.title
	if (variant.$ref) return refName(variant.$ref)
	const kind = variant.properties?.type?.enum?.[0] ?? variant.properties?.type?.const
	return typeof kind === 'string' ? `type "${kind}"` : `Variant ${index + 1}`
}

function literal(value: unknown): string {
	return JSON.stringify(value)
}

/** The type of a schema in a few words. */
function typeLabel(schema: SchemaObject): Child {
	if (schema.$ref) return <a href={`#schema-${refName(schema.$ref)}`}>{refName(schema.$ref)}</a>
	if (schema.const !== undefined) return <code>{literal(schema.const)}</code>
	if (schema.enum) return <code>{schema.enum.map(literal).join(' | ')}</code>
	if (schema.oneOf || schema.anyOf) return 'one of the variants below'
	const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['any']
	const main = types.filter((type) => type !== 'null')
	let label = main.join(' or ') || 'null'
	if (main.includes('array') && schema.items) label = 'array of'
	const nullable = types.includes('null') ? ' or null' : ''
	return (
		<>
			{label}
			{main.includes('array') && schema.items ? <> {typeLabel(schema.items)}</> : null}
			{schema.format ? <span class="muted"> ({schema.format})</span> : null}
			{nullable}
		</>
	)
}

/** Bounds, pattern, default and example, in one line. */
function constraints(schema: SchemaObject): string {
	const parts: string[] = []
	if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`)
	if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`)
	if (schema.minLength !== undefined) parts.push(`${schema.minLength}+ characters`)
	if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`)
	if (schema.minItems !== undefined) parts.push(`${schema.minItems}+ items`)
	if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems} items`)
	if (schema.pattern !== undefined) parts.push(`pattern ${schema.pattern}`)
	if (schema.default !== undefined) parts.push(`default ${literal(schema.default)}`)
	if (schema.example !== undefined) parts.push(`e.g. ${literal(schema.example)}`)
	return parts.join(' · ')
}

function Fields(props: { schema: SchemaObject; depth: number }): Child {
	const { schema, depth } = props
	const variants = schema.oneOf ?? schema.anyOf
	if (variants)
		return (
			<div>
				{variants.map((variant, index) => (
					<div class="nest">
						<p>
							<strong>{variantName(variant, index)}</strong>
							{variant.description ? (
								<span class="muted">
									{' — '}
									<Text text={variant.description} />
								</span>
							) : null}
						</p>
						{variant.$ref ? <p>See {typeLabel(variant)}.</p> : <Fields schema={variant} depth={depth + 1} />}
					</div>
				))}
			</div>
		)
	const target = schema.items && !schema.properties ? schema.items : schema
	if (!target.properties) return <p>{typeLabel(schema)}</p>
	const required = new Set(target.required ?? [])
	return (
		<table>
			<tr>
				<th>Field</th>
				<th>Type</th>
				<th>What</th>
			</tr>
			{Object.entries(target.properties).map(([name, field]) => (
				<tr>
					<td>
						<code>{name}</code>
						{required.has(name) ? (
							<span class="req" title="required">
								{' '}
								*
							</span>
						) : null}
					</td>
					<td>{typeLabel(field)}</td>
					<td>
						<Text text={field.description} />
						{constraints(field) ? <div class="muted">{constraints(field)}</div> : null}
						{depth < 3 && (field.properties || field.oneOf || field.items?.properties) ? (
							<div class="nest">
								<Fields schema={field} depth={depth + 1} />
							</div>
						) : null}
					</td>
				</tr>
			))}
		</table>
	)
}

function Body(props: { content: MediaContent | undefined }): Child {
	const entry = Object.entries(props.content ?? {})[0]
	if (!entry?.[1].schema) return null
	return (
		<>
			<p class="muted">
				<code>{entry[0]}</code>
			</p>
			<Fields schema={entry[1].schema} depth={0} />
		</>
	)
}

function OperationView(props: { method: string; path: string; op: Operation }): Child {
	const { method, path, op } = props
	const id = `${method}-${path.replace(/[^\w]+/g, '-')}`
	return (
		<section class="op" id={id}>
			<h3>
				<span class={`method ${method}`}>{method}</span>
				<span class="path">{path}</span>
				<span>{op.summary}</span>
			</h3>
			{op.description ? (
				<p>
					<Text text={op.description} />
				</p>
			) : null}
			<p class="muted">{op.security?.length ? 'Needs the admin token.' : 'Public.'}</p>
			{op.parameters?.length ? (
				<>
					<h4>Parameters</h4>
					<table>
						{op.parameters.map((param) => (
							<tr>
								<td>
									<code>{param.name}</code>
									{param.required ? <span class="req"> *</span> : null}
								</td>
								<td>{param.in}</td>
								<td>{param.schema ? typeLabel(param.schema) : null}</td>
								<td>
									<Text text={param.description ?? param.schema?.description} />
									{param.schema && constraints(param.schema) ? (
										<div class="muted">{constraints(param.schema)}</div>
									) : null}
								</td>
							</tr>
						))}
					</table>
				</>
			) : null}
			{op.requestBody ? (
				<>
					<h4>Request body</h4>
					<Body content={op.requestBody.content} />
				</>
			) : null}
			<h4>Responses</h4>
			<table>
				{Object.entries(op.responses ?? {}).map(([status, response]) => (
					<tr>
						<td class="status">{status}</td>
						<td>
							<Text text={response.description} />
							{response.headers ? (
								<div class="muted">Headers: {Object.keys(response.headers).join(', ')}</div>
							) : null}
							{status.startsWith('2') && response.content ? (
								<div class="nest">
									<Body content={response.content} />
								</div>
							) : null}
						</td>
					</tr>
				))}
			</table>
		</section>
	)
}

export function ApiDocsPage(props: { doc: OpenApiDocument; nonce: string; server: string }) {
	const { doc } = props
	const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
		METHODS.filter((method) => item[method]).map((method) => ({
			path,
			method,
			op: item[method] as Operation,
		})),
	)
	const tags = [...new Set(operations.map(({ op }) => op.tags?.[0] ?? 'Other'))]
	return (
		<>
			{raw('<!DOCTYPE html>')}
			<html lang="en">
				<head>
					<PageMeta />
					<title>{doc.info.title}</title>
					<style nonce={props.nonce}>{raw(STYLE)}</style>
				</head>
				<body>
					<main>
						<p class="muted">
							OpenAPI {doc.openapi} · version {doc.info.version}
						</p>
						<h1>{doc.info.title}</h1>
						{doc.info.description ? (
							<p>
								<Text text={doc.info.description} />
							</p>
						) : null}
						<p>
							Server: <code>{props.server}</code> · the document:{' '}
							<a href="/api/openapi.json">/api/openapi.json</a>
						</p>
						<pre>
							<code>{`curl -s ${props.server}/api/shares -H "Authorization: Bearer $ADMIN_TOKEN"`}</code>
						</pre>
						<nav aria-label="Operations">
							<ul>
								{operations.map(({ path, method, op }) => (
									<li>
										<a href={`#${method}-${path.replace(/[^\w]+/g, '-')}`}>
											<code>{method.toUpperCase()}</code> {path}
										</a>{' '}
										<span class="muted">{op.summary}</span>
									</li>
								))}
							</ul>
						</nav>
						{tags.map((tag) => (
							<>
								<h2>{tag}</h2>
								{operations
									.filter(({ op }) => (op.tags?.[0] ?? 'Other') === tag)
									.map(({ path, method, op }) => (
										<OperationView method={method} path={path} op={op} />
									))}
							</>
						))}
						<h2>Schemas</h2>
						{Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
							<section class="op" id={`schema-${name}`}>
								<h3>{name}</h3>
								{schema.description ? (
									<p>
										<Text text={schema.description} />
									</p>
								) : null}
								<Fields schema={schema} depth={0} />
							</section>
						))}
					</main>
				</body>
			</html>
		</>
	)
}
