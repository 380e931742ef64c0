// The one stylesheet of every page. Emitted raw by layout.tsx: JSX text escaping would turn
// the quotes of "Segoe UI" into &quot; and browsers would drop the whole font declaration.
// Colours are chosen for at least 4.5:1 text contrast in both schemes.
export const STYLESHEET = `
:root{color-scheme:light dark;--bg:#f3f4f7;--card:#fff;--fg:#161a22;--muted:#4f5769;--line:#e2e5eb;
--accent:#1d4ed8;--accent-hover:#1e40af;--on-accent:#fff;--soft:#eef2fb;--focus:#1d4ed8;
--shadow:0 1px 2px rgb(16 24 40/.05),0 12px 32px -12px rgb(16 24 40/.14);--warn-bg:#fff7e6;--warn-line:#f3d08a}
@media (prefers-color-scheme:dark){:root{--bg:#0e1014;--card:#171a21;--fg:#e9ebf1;--muted:#a6adbb;--line:#2a2f3a;
--accent:#8ab4ff;--accent-hover:#a9c7ff;--on-accent:#0b1220;--soft:#1d2331;--focus:#8ab4ff;--shadow:0 1px 2px rgb(0 0 0/.5);
--warn-bg:#2a2314;--warn-line:#5c4a1f}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;background:var(--bg);color:var(--fg);
font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;
-webkit-font-smoothing:antialiased}
a{color:var(--accent);text-underline-offset:.15em}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:6px}
.wrap{width:100%;max-width:46rem;margin:0 auto;padding:0 1rem}
.top{padding-top:1.25rem;padding-bottom:1.25rem}
.brand{display:inline-flex;align-items:center;gap:.5rem;color:var(--fg);text-decoration:none;font-weight:700;font-size:1.05rem;letter-spacing:-.01em}
.brand svg{width:28px;height:28px;flex:none}
main{flex:1}
.card{background:var(--card);border:1px solid var(--line);border-radius:16px;box-shadow:var(--shadow);padding:1.25rem;overflow-wrap:anywhere}
@media (min-width:40rem){.card{padding:2rem}}
h1{font-size:1.375rem;line-height:1.3;margin:0;letter-spacing:-.01em}
p{margin:.5rem 0}
.muted{color:var(--muted)}
.file{display:flex;gap:1rem;align-items:flex-start}
.file .title{min-width:0;flex:1}
.badge{flex:none;display:grid;place-items:center;width:3.25rem;height:3.25rem;border-radius:12px;background:var(--soft);color:var(--accent);
font-size:.75rem;font-weight:700;letter-spacing:.03em;text-transform:uppercase;border:1px solid var(--line)}
.file .sub{margin:.25rem 0 0;color:var(--muted)}
.expiry{display:inline-flex;align-items:center;gap:.4rem;margin-top:.75rem;padding:.25rem .7rem;border-radius:999px;background:var(--soft);font-size:.875rem;font-weight:600}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.25rem 0}
.btn{display:inline-flex;align-items:center;justify-content:center;gap:.5rem;min-height:44px;padding:.6rem 1.4rem;border-radius:10px;
border:1px solid transparent;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.btn svg{width:20px;height:20px;flex:none}
.primary{background:var(--accent);color:var(--on-accent);flex:1 1 12rem}
.primary:hover{background:var(--accent-hover)}
.btn:disabled,.btn[aria-disabled=true]{background:var(--soft);color:var(--muted);border-color:var(--line);cursor:not-allowed}
.secondary{background:transparent;color:var(--fg);border-color:var(--line)}
.secondary:hover{background:var(--soft)}
.grid{display:grid;gap:1.5rem}
@media (min-width:40rem){.grid{grid-template-columns:1fr auto;align-items:start}}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1.25rem;margin:0}
dt{color:var(--muted)}dd{margin:0;min-width:0}
@media (max-width:39.99rem){dl{grid-template-columns:minmax(0,2fr) minmax(0,3fr);column-gap:1rem}}
.note{margin:1.25rem 0 0;padding:1rem 1.1rem;border-radius:12px;background:var(--soft);white-space:pre-wrap}
.note strong{display:block;font-size:.875rem;color:var(--muted);font-weight:600;white-space:normal}
.link{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.5rem}
.link .btn{flex:1 0 auto}
.link input{flex:999 1 14rem;min-width:0;min-height:44px;padding:.5rem .75rem;border:1px solid var(--line);border-radius:10px;background:var(--bg);color:var(--fg);font:inherit;font-size:.9rem}
.share{margin-top:1.5rem}
.details{margin-top:1.5rem}
label,.label{display:block;font-size:.875rem;color:var(--muted);font-weight:600}
figure{margin:0;text-align:center}
.qr svg{display:block;width:148px;height:148px;margin:0 auto;border-radius:10px;border:1px solid var(--line)}
@media (max-width:39.99rem){.qr{display:none}}
figcaption{margin:.5rem auto 0;font-size:.8125rem;color:var(--muted);max-width:12rem}
.preview{margin-top:1.25rem}
.preview h2{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.preview img,.preview video{display:block;max-width:100%;height:auto;max-height:70vh;margin:0 auto;border-radius:10px;background:var(--soft)}
.preview audio{width:100%}
.preview object{display:block;width:100%;height:70vh;border:1px solid var(--line);border-radius:10px;margin-bottom:.75rem}
.preview .text{max-height:24rem;overflow:auto;border-radius:10px;border:1px solid var(--line);background:var(--bg);color:var(--fg)}
.preview .text pre{margin:0;padding:.9rem 1rem;color:inherit;
font:.8125rem/1.55 ui-monospace,SFMono-Regular,Menlo,Consolas,"Noto Sans Mono CJK SC",monospace;white-space:pre-wrap;overflow-wrap:anywhere;tab-size:4}
.small{font-size:.875rem}
.limits{margin:1.25rem 0 0;padding:.85rem 1.1rem;border-radius:12px;background:var(--warn-bg);border:1px solid var(--warn-line);color:var(--fg)}
.limits p{margin:.15rem 0}
.error{max-width:32rem;margin:2rem auto 0}
.error .why{color:var(--fg)}
.error .actions{margin-bottom:.5rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
footer.wrap{padding-top:2rem;padding-bottom:2rem;font-size:.8125rem;color:var(--muted);text-align:center}
footer nav{display:flex;justify-content:center;gap:1rem;margin-top:.5rem}
footer nav a[aria-current]{color:var(--fg);font-weight:600;text-decoration:none}
[hidden]{display:none!important}
.unlock{max-width:34rem;margin:2rem auto 0}
.badge svg{width:28px;height:28px}
.icon{width:22px;height:22px;flex:none}
.problem{margin:.25rem 0 .5rem;font-weight:600;color:#b42318}
@media (prefers-color-scheme:dark){.problem{color:#ff9b8f}}
@media (prefers-reduced-motion:no-preference){.btn{transition:background-color .15s}}
`
