import type { Child } from 'hono/jsx'

const STYLE = `
:root{color-scheme:light dark;--fg:#1d2433;--muted:#5b6478;--bg:#f6f7fb;--card:#fff;--accent:#2563eb}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9f2;--muted:#9aa3b8;--bg:#10131a;--card:#181c25;--accent:#7aa2ff}}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);
font:16px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif}
main{background:var(--card);max-width:32rem;width:calc(100% - 2rem);padding:2rem;border-radius:12px;box-shadow:0 1px 3px #0002}
h1{font-size:1.35rem;margin:0 0 .5rem}p{margin:.25rem 0;color:var(--muted)}code{font-size:.85em}
footer{margin-top:1.5rem;font-size:.8rem;color:var(--muted)}`

export function Layout(props: { title: string; children: Child }) {
	return (
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<meta name="robots" content="noindex, nofollow" />
				<title>{props.title}</title>
				<style>{STYLE}</style>
			</head>
			<body>
				<main>{props.children}</main>
			</body>
		</html>
	)
}
