// The console: hash routes over the admin API — #/ shares, #/new the form, #/bucket the
// bucket, #/s/<id> one share. The page itself (and Sign out) comes from the worker.
import { useEffect, useMemo, useState } from 'hono/jsx/dom'
import { whenSignedOut } from './api.ts'
import { BucketView } from './bucket.tsx'
import { type ConsoleContext, Ctx, type LocalChanges } from './context.ts'
import { CreateView } from './create.tsx'
import { DetailView } from './detail.tsx'
import { type Lang, wordsFor } from './i18n.ts'
import { SharesView } from './shares.tsx'

interface Route {
	name: 'shares' | 'new' | 'bucket' | 'share'
	params: URLSearchParams
	id?: string
}

export function routeOf(hash: string): Route {
	const [path = '', query = ''] = hash.replace(/^#/, '').split('?')
	const params = new URLSearchParams(query)
	if (path === '/new') return { name: 'new', params }
	if (path === '/bucket') return { name: 'bucket', params }
	const share = /^\/s\/(.+)$/.exec(path)
	if (share?.[1]) return { name: 'share', params, id: decodeURIComponent(share[1]) }
	return { name: 'shares', params }
}

const local: LocalChanges = { created: new Map(), revoked: new Set() }

export function App(props: { lang: Lang }) {
	const t = wordsFor(props.lang)
	const [hash, setHash] = useState(location.hash)
	const [signedOut, setSignedOut] = useState(false)
	useEffect(() => {
		const onHash = () => {
			setHash(location.hash)
			window.scrollTo(0, 0)
		}
		addEventListener('hashchange', onHash)
		// The address may have changed between the first render and this listener (a link
		// followed while the app was still starting): catch up with it.
		if (location.hash !== hash) setHash(location.hash)
		whenSignedOut(() => setSignedOut(true))
		return () => removeEventListener('hashchange', onHash)
	}, [])
	const route = routeOf(hash)
	const ctx = useMemo<ConsoleContext>(
		() => ({
			lang: props.lang,
			t,
			local,
			go: (to: string) => {
				location.hash = to
			},
		}),
		[props.lang],
	)
	useEffect(() => {
		const heading = { shares: t.navShares, new: t.navNew, bucket: t.navBucket, share: route.id ?? '' }[
			route.name
		]
		document.title = `${heading} · ${t.title}`
	}, [hash])
	const switchTo = props.lang === 'zh' ? 'en' : 'zh'
	const current = (name: Route['name']) => (route.name === name ? 'page' : undefined)
	return (
		<Ctx.Provider value={ctx}>
			<nav class="tabs" aria-label={t.nav}>
				<a href="#/" aria-current={current('shares') ?? (route.name === 'share' ? 'page' : undefined)}>
					{t.navShares}
				</a>
				<a href="#/new" aria-current={current('new')}>
					{t.navNew}
				</a>
				<a href="#/bucket" aria-current={current('bucket')}>
					{t.navBucket}
				</a>
				<a class="lang" href={`?lang=${switchTo}${location.hash}`} lang={switchTo === 'zh' ? 'zh-CN' : 'en'}>
					{t.language}
				</a>
			</nav>
			{signedOut ? (
				<div class="note bad" role="alert">
					<p>{t.sessionEnded}</p>
					<a class="btn small" href="/_/admin">
						{t.signIn}
					</a>
				</div>
			) : null}
			<main id="main">
				{route.name === 'shares' ? <SharesView /> : null}
				{route.name === 'new' ? <CreateView params={route.params} key={hash} /> : null}
				{route.name === 'bucket' ? <BucketView params={route.params} /> : null}
				{route.name === 'share' && route.id ? <DetailView id={route.id} /> : null}
			</main>
		</Ctx.Provider>
	)
}
