// Starts the console inside the worker's shell page (#console carries the language).
import { render } from 'hono/jsx/dom'
import { App } from './app.tsx'

const root = document.getElementById('console')
if (root) {
	const lang = root.dataset.lang === 'zh' ? 'zh' : 'en'
	render(<App lang={lang} />, root)
}
