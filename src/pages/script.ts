// The pages' one script, sent inline with the response's nonce. Progressive: without it the
// page already works, with times in UTC and the remaining time as the server saw it.
//  - time[datetime]: shown again in the visitor's own time zone (LOCAL_DATE_OPTIONS), the
//    UTC text kept as its title.
//  - [data-remaining-ms][data-words]: counts the server-rendered remaining time down; it
//    counts from the server's figure, not the visitor's clock, and repeats formatRemaining().
//    At zero every [data-until-expiry] control turns off and [data-expired-message] shows:
//    a button that would only meet an error never stays clickable.
//  - form[data-spends]: a limited link's download; once sent, [data-downloads-left] counts
//    one down, and at none left every such form's buttons turn off.
//  - object[data-pdf]: shown only where the browser says it has a PDF viewer; elsewhere the
//    "Open PDF" button beside it is the preview.
//  - button[data-copy=id]: shown, and copies the value of the input #id.
import { LOCAL_DATE_OPTIONS } from './i18n/format.ts'

export const PAGE_SCRIPT = `(()=>{
const start=performance.now()
let dates
try{dates=new Intl.DateTimeFormat(document.documentElement.lang||undefined,${JSON.stringify(LOCAL_DATE_OPTIONS)})}catch{}
if(dates)for(const el of document.querySelectorAll('time[datetime]')){const d=new Date(el.getAttribute('datetime'))
if(!Number.isNaN(d.getTime())){el.title=el.textContent;el.textContent=dates.format(d)}}
const off=el=>{if(el.tagName==='A'){el.removeAttribute('href');el.setAttribute('role','link');el.setAttribute('aria-disabled','true')}else el.disabled=true}
const expire=()=>{for(const el of document.querySelectorAll('[data-until-expiry]'))off(el)
for(const el of document.querySelectorAll('[data-expired-message]'))el.hidden=false}
const format=(ms,w)=>{
if(ms<=0)return w.expired
if(ms<60000)return w.template.replace('{time}',w.lessThanAMinute)
const first=w.units.findIndex(u=>ms>=u[0]),parts=[]
let rest=ms
for(const [size,one,other] of w.units.slice(first,first+2)){const n=Math.floor(rest/size);rest-=n*size
if(n>0)parts.push(n+w.separator+(n===1?one:other))}
return w.template.replace('{time}',parts.join(' '))}
for(const el of document.querySelectorAll('[data-remaining-ms]')){
const total=Number(el.dataset.remainingMs),w=JSON.parse(el.dataset.words)
const tick=()=>{const ms=total-(performance.now()-start);el.textContent=format(ms,w)
if(ms>0)setTimeout(tick,Math.min(1000,Math.max(50,ms)));else expire()}
tick()}
const left=document.querySelector('[data-downloads-left]')
for(const form of document.querySelectorAll('form[data-spends]'))form.addEventListener('submit',()=>{
if(!left)return
setTimeout(()=>{const n=Math.max(0,Number(left.dataset.downloadsLeft)-1),w=JSON.parse(left.dataset.words)
left.dataset.downloadsLeft=String(n)
left.textContent=n>0?(n===1?w.one:w.other).replace('{count}',String(n)):w.none
if(n===0)for(const button of document.querySelectorAll('form[data-spends] button'))button.disabled=true},400)})
if(navigator.pdfViewerEnabled)for(const el of document.querySelectorAll('object[data-pdf]'))el.hidden=false
for(const button of document.querySelectorAll('button[data-copy]')){
const input=document.getElementById(button.dataset.copy)
if(!input)continue
button.hidden=false
input.addEventListener('focus',()=>input.select())
const label=button.querySelector('span')
button.addEventListener('click',async()=>{
try{await navigator.clipboard.writeText(input.value)}catch{input.focus();input.select();document.execCommand('copy')}
const before=label.textContent;label.textContent=button.dataset.done
setTimeout(()=>{label.textContent=before},2000)})}
})()`
