import { Layout } from './layout.tsx'

export interface ErrorPageProps {
	status: number
	title: string
	message: string
	requestId?: string | undefined
}

export function ErrorPage(props: ErrorPageProps) {
	return (
		<Layout title={props.title}>
			<h1>{props.title}</h1>
			<p>{props.message}</p>
			<footer>
				{props.status}
				{props.requestId ? (
					<>
						{' · request '}
						<code>{props.requestId}</code>
					</>
				) : null}
			</footer>
		</Layout>
	)
}
