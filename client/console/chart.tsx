// Downloads per day as an inline SVG bar chart: no library, no request; the numbers are also
// in the SVG's title for screen readers, and each bar has its own tooltip.
import { useConsole } from './context.ts'
import { formatDay } from './format.ts'
import type { ShareStats } from './types.ts'

const WIDTH = 600
const HEIGHT = 140
const AXIS = 18

export function DownloadsChart(props: { series: ShareStats['series'] }) {
	const { t, lang } = useConsole()
	const { series } = props
	const total = series.reduce((sum, point) => sum + point.downloads, 0)
	const max = Math.max(1, ...series.map((point) => point.downloads))
	const slot = WIDTH / Math.max(series.length, 1)
	const bar = Math.max(1, slot * 0.7)
	const first = series[0]
	const last = series[series.length - 1]
	return (
		<figure class="chart">
			<svg
				viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`}
				role="img"
				aria-label={t.chartLabel(total)}
				preserveAspectRatio="none"
			>
				<title>{t.chartLabel(total)}</title>
				<line x1="0" x2={WIDTH} y1={HEIGHT} y2={HEIGHT} class="axis" />
				{series.map((point, i) => {
					const h = (point.downloads / max) * (HEIGHT - 8)
					return (
						<rect
							key={point.t}
							x={i * slot + (slot - bar) / 2}
							y={HEIGHT - h}
							width={bar}
							height={h}
							rx="2"
							class="bar"
						>
							<title>{`${formatDay(point.t, lang)}: ${point.downloads}`}</title>
						</rect>
					)
				})}
			</svg>
			{first && last ? (
				<figcaption class="row between muted small">
					<span>{formatDay(first.t, lang)}</span>
					<span>{formatDay(last.t, lang)}</span>
				</figcaption>
			) : null}
		</figure>
	)
}
