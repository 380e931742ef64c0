// The pages' one script, sent inline with the response's nonce. Progressive: without it the
// page already shows the remaining time and the link in a readonly field.
//  - [data-remaining-ms][data-words]: counts the server-rendered remaining time down; it
//    counts from the server's figure, not the visitor's clock, and repeats formatRemaining().
//  - button[data-copy=id]: shown, and copies the value of the input #id.
export const PAGE_SCRIPT = `(()=>{
const start=performance.now()
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
const tick=()=>{const ms=total-(performance.now()-start);el.textContent=format(ms,w);if(ms>0)setTimeout(tick,1000)}
tick()}
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
