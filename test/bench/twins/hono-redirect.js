// Hono twin of the redirect benchmark: the same constant 302 as bare-redirect.js, from a
// Hono app with one route shaped like coslink's public one (GET /:id), so the cost of Hono
// itself shows next to the bare worker and the real one.
import { Hono } from 'hono'

const app = new Hono()
let location = ''
let others

app.get('/:id', (c) => {
	if (!others) {
		const headers = JSON.parse(c.env.REDIRECT_HEADERS)
		location = headers.find(([name]) => name === 'location')?.[1] ?? ''
		others = headers.filter(([name]) => name !== 'location')
	}
	for (const [name, value] of others) c.header(name, value)
	return c.redirect(location, 302)
})

export default app
