// The console's own rules, appended to the pages' stylesheet (src/pages/style.ts) by the
// build: one palette, light and dark, for every page the worker serves. Laid out for 390 px
// first; wider screens get columns.
export const CONSOLE_STYLES = `
.console-top{display:flex;align-items:center;justify-content:space-between;gap:1rem;width:100%;max-width:72rem;margin:0 auto;padding:.75rem 1rem}
.console-top form{margin:0}
.console-top .signout{min-height:40px;padding:.4rem .9rem;font-size:.875rem}
#console{width:100%;max-width:72rem;margin:0 auto;padding:0 1rem 3rem}
#console h1{margin:1rem 0}
#console h2{font-size:1.125rem;margin:0 0 .75rem}
#console h3{font-size:.9375rem;margin:0 0 .5rem}
#console label,#console legend{font-size:.875rem;color:var(--muted);font-weight:600}
#console .mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Noto Sans Mono CJK SC",monospace;font-size:.875rem;overflow-wrap:anywhere}
#console .row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
#console .row.nowrap{flex-wrap:nowrap}
#console .row.between{justify-content:space-between}
#console .row.end{justify-content:flex-end}
#console .btn.small{min-height:40px;padding:.4rem .9rem;font-size:.875rem;flex:none}
#console .btn:not(.primary):not(.danger){background:var(--card);color:var(--fg);border-color:var(--line)}
#console .btn:not(.primary):not(.danger):hover{background:var(--soft)}
#console .btn.danger{background:transparent;color:var(--danger);border-color:var(--danger-line)}
#console .btn.danger:hover{background:var(--danger-bg)}
#console dialog .btn.danger{background:var(--danger);color:#fff;border-color:var(--danger)}
#console .grow-0{flex:none}
#console .card{margin:0 0 1.25rem}
#console .muted{color:var(--muted)}
#console .empty{padding:2rem 1rem;text-align:center;color:var(--muted);background:var(--card);border:1px dashed var(--line);border-radius:16px}
:root{--danger:#b42318;--danger-line:#f1b8b2;--danger-bg:#fef3f2;--ok:#067647;--ok-bg:#ecfdf3}
@media (prefers-color-scheme:dark){:root{--danger:#ff9b8f;--danger-line:#6b2a24;--danger-bg:#2a1715;--ok:#75e0a7;--ok-bg:#0f2a1d}}
.tabs{display:flex;gap:.25rem;align-items:center;overflow-x:auto;margin:0 -1rem;padding:.25rem 1rem;border-bottom:1px solid var(--line)}
.tabs a{padding:.6rem .85rem;border-radius:10px;color:var(--fg);text-decoration:none;font-weight:600;white-space:nowrap}
.tabs a:hover{background:var(--soft)}
.tabs a[aria-current=page]{background:var(--soft);color:var(--accent)}
.tabs .lang{margin-left:auto;font-weight:500;color:var(--muted)}
.filters{display:grid;gap:.75rem;grid-template-columns:1fr 1fr;margin:0 0 1rem}
.filters .field:first-child{grid-column:1/-1}
@media (min-width:48rem){.filters{grid-template-columns:2fr 1fr 1fr 1fr}.filters .field:first-child{grid-column:auto}}
#console input:not([type=checkbox]):not([type=radio]):not([type=file]),#console select,#console textarea{display:block;width:100%;min-height:44px;margin-top:.3rem;padding:.5rem .7rem;
border:1px solid var(--line);border-radius:10px;background:var(--card);color:var(--fg);font:inherit;font-weight:400}
#console textarea{resize:vertical}
#console [aria-invalid=true]{border-color:var(--danger)!important}
#console .row.nowrap input{margin-top:0}
.field{display:block;margin:0 0 1rem;border:0;padding:0;min-width:0}
.field>span:first-child{display:block}
.hint{display:block;margin:.3rem 0 0;font-size:.8125rem;color:var(--muted);font-weight:400}
.field-error{margin:.35rem 0 0;color:var(--danger);font-size:.875rem;font-weight:600}
.fields{display:grid;gap:0 1rem}
@media (min-width:40rem){.fields{grid-template-columns:1fr 1fr}}
.fields legend{grid-column:1/-1}
.check{display:flex!important;flex-wrap:wrap;gap:.25rem .6rem;align-items:center;margin:0 0 1rem;color:var(--fg)!important;font-weight:500!important;font-size:1rem!important}
.check input{width:20px;height:20px;accent-color:var(--accent)}
.check-hint{margin:-.75rem 0 1rem 1.85rem}
.segmented{display:flex;gap:.5rem;border:0;margin:0 0 1.25rem;padding:0;flex-wrap:wrap}
.segmented legend{margin-bottom:.4rem}
.segmented label,.chip{position:relative;display:inline-flex!important}
.segmented input,.chip input{position:absolute;opacity:0;inset:0;margin:0;cursor:pointer}
.segmented span,.chip span{display:inline-flex;align-items:center;min-height:40px;padding:.35rem .9rem;border:1px solid var(--line);border-radius:999px;background:var(--card);color:var(--fg);font-weight:600}
.segmented input:checked+span,.chip input:checked+span{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}
.segmented input:focus-visible+span,.chip input:focus-visible+span{outline:3px solid var(--focus);outline-offset:2px}
.chips{display:flex;flex-wrap:wrap;gap:.4rem;margin:.4rem 0 .75rem}
.more{margin:0 0 1rem}
.more summary{cursor:pointer;font-weight:600;color:var(--accent);padding:.4rem 0}
.more .fields{margin-top:.75rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.drop{text-align:center;border-style:dashed}
.drop.over{border-color:var(--accent);background:var(--soft)}
.drop label.btn{display:inline-flex;color:var(--fg);font-size:1rem}
.drop label.btn:focus-within{outline:3px solid var(--focus);outline-offset:2px}
.progress{min-height:1.5em;margin:.75rem 0 0}
.shares{list-style:none;margin:0 0 1rem;padding:0;display:grid;gap:.75rem}
.shares[aria-busy=true]{opacity:.6;transition:opacity .2s .15s}
.srow{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:1rem;display:grid;gap:.75rem;min-width:0}
@media (min-width:60rem){.srow{grid-template-columns:minmax(0,2fr) minmax(14rem,1.2fr) minmax(0,2fr);align-items:start}}
.srow.is-revoked{opacity:.7}
.srow-main{min-width:0}
.share-id{font-weight:700;font-size:1.0625rem;margin-right:.5rem;overflow-wrap:anywhere}
.share-target{margin:.35rem 0 0;color:var(--muted)}
.share-note{margin:.25rem 0 0;font-size:.875rem}
.kind{font-size:.8125rem;color:var(--muted);margin-left:.4rem}
.share-facts{display:grid;grid-template-columns:1fr 1fr;gap:.5rem}
.share-facts div{min-width:0}
.share-facts dt{font-size:.8125rem}
.share-facts dd{font-weight:600}
.share-actions{display:grid;gap:.5rem;min-width:0}
.slink{display:block;font-size:.8125rem;overflow-wrap:anywhere}
.status{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-size:.75rem;font-weight:700;vertical-align:.15em;background:var(--soft);color:var(--muted)}
.status-active{background:var(--ok-bg);color:var(--ok)}
.status-exhausted,.status-revoked{background:var(--danger-bg);color:var(--danger)}
.status-scheduled{background:var(--warn-bg);color:var(--fg)}
.qrbox{margin:.5rem 0;text-align:left}
.qr-tile svg{display:block;width:148px;height:148px;border-radius:10px;border:1px solid var(--line)}
.note.bad{background:var(--danger-bg);border:1px solid var(--danger-line);white-space:normal;margin:0 0 1rem}
.note.bad p{margin:0 0 .5rem}
.code-note{white-space:normal}
.code-note .code{display:inline;font-size:1.25rem;letter-spacing:.15em;color:var(--fg)}
.created .big-link,.detail .big-link{font-size:1rem;margin:0 0 .75rem}
.created{max-width:40rem}
.created .qrbox{margin:1rem 0}
.dialog{border:1px solid var(--line);border-radius:16px;background:var(--card);color:var(--fg);padding:1.25rem;max-width:min(28rem,calc(100vw - 2rem))}
.dialog::backdrop{background:rgb(0 0 0/.45)}
.crumbs ol{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0 0 1rem;padding:0}
.crumbs li+li::before{content:"/";margin-right:.25rem;color:var(--muted)}
.crumbs a[aria-current=page]{color:var(--fg);font-weight:700;text-decoration:none}
.entries{list-style:none;margin:0 0 1rem;padding:0;background:var(--card);border:1px solid var(--line);border-radius:14px}
.entry{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;padding:.6rem 1rem;border-top:1px solid var(--line)}
.entry:first-child{border-top:0}
.entry-name{flex:1 1 12rem;min-width:0;display:flex;gap:.5rem;align-items:center;overflow-wrap:anywhere}
.entry-meta{font-size:.8125rem}
.entry-icon{width:20px;height:20px;flex:none;fill:var(--accent);opacity:.85}
.file-icon{fill:var(--soft);stroke:var(--muted);stroke-width:1.5}
.file-icon .fold{fill:none}
.two{display:grid;gap:1rem}
@media (min-width:48rem){.two{grid-template-columns:1fr auto}}
.facts{margin-top:1rem}
.totals{display:grid;grid-template-columns:repeat(2,1fr);gap:.75rem;margin:0 0 1rem}
@media (min-width:40rem){.totals{grid-template-columns:repeat(4,1fr)}}
.totals div{background:var(--soft);border-radius:12px;padding:.6rem .8rem}
.totals dd{font-size:1.375rem;font-weight:700}
.chart{margin:0 0 1rem}
.chart figcaption{max-width:none;margin:.25rem 0 0}
#console h1.mono{font-size:1.375rem}
#console .form .btn.primary{flex:0 1 auto;min-width:12rem}
.chart svg{display:block;width:100%;height:160px}
.chart .bar{fill:var(--accent)}
.chart .axis{stroke:var(--line);stroke-width:1}
.tops{display:grid;gap:1rem}
@media (min-width:40rem){.tops{grid-template-columns:1fr 1fr}}
.top-list table{width:100%;border-collapse:collapse;font-size:.875rem}
.top-list th{text-align:left;font-weight:500;padding:.3rem 0;overflow-wrap:anywhere}
.top-list td{text-align:right;font-variant-numeric:tabular-nums;padding:.3rem 0}
.top-list tr+tr{border-top:1px solid var(--line)}
`
