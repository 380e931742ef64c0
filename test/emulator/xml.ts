// Just enough XML writing for COS's responses: element text only, no attributes.

const XML_ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&apos;',
}

export function escapeXml(text: string): string {
	return text.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch)
}

export type XmlChild = string | XmlNode

/** An element with either text or child elements. */
export interface XmlNode {
	name: string
	children: readonly XmlChild[] | string
}

export function el(name: string, children: readonly XmlChild[] | string | number | boolean): XmlNode {
	return { name, children: typeof children === 'object' ? children : String(children) }
}

function render(node: XmlNode): string {
	if (typeof node.children === 'string') {
		// COS writes empty values as a self-closed element (<Marker/>).
		return node.children === ''
			? `<${node.name}/>`
			: `<${node.name}>${escapeXml(node.children)}</${node.name}>`
	}
	const inner = node.children.map((child) => (typeof child === 'string' ? escapeXml(child) : render(child)))
	return `<${node.name}>${inner.join('')}</${node.name}>`
}

export function xmlDocument(root: XmlNode): string {
	return `<?xml version='1.0' encoding='utf-8' ?>\n${render(root)}`
}
