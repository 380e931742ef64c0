// Renders a page element to the HTML string a route would send.
import type { Child } from 'hono/jsx'

export async function render(element: Child): Promise<string> {
	return String(await Promise.resolve(element?.toString()))
}
