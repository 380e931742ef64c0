// The upload page's script, sent inline with the response's nonce (no inline handlers).
// Reads its settings from #uploader[data-config]: { base, threshold, maxFileSize, full, words }.
// A link whose quota is already used up (full) starts with its picker off.
//  - each file: POST base → a pre-signed PUT (or a multipart upload), PUT straight to COS
//    with XMLHttpRequest for progress; if that fails at the network level (a bucket without
//    CORS for this origin), PUT base/<name> through the worker instead. After a direct PUT,
//    POST base/confirm { key } counts the file against the link's quotas.
//  - a file the link's quota refuses gets no Retry: the picker and the drop zone turn off,
//    and the page says the link takes no more files. Results name files as the visitor
//    knows them, never by the bucket key they landed at
//    (which stays out of sight, in data-key).
//  - multipart: parts three at a time, each retried twice; Retry re-sends only unfinished
//    parts; Cancel aborts the requests and the multipart upload. A bucket that refuses the
//    first part at the network level (no CORS) gets the whole file streamed instead.
export const UPLOAD_SCRIPT = `(()=>{
const root=document.getElementById('uploader');if(!root)return
const cfg=JSON.parse(root.dataset.config),w=cfg.words
const queue=document.getElementById('queue'),results=document.getElementById('results'),none=document.getElementById('none')
const input=document.getElementById('file-input'),zone=document.getElementById('drop')
root.hidden=false;document.getElementById('noscript-help').hidden=true
if(cfg.full)setTimeout(full)
const fail=(message,code,extra)=>Object.assign(new Error(message),{code},extra||{})
const post=async(path,body,signal)=>{const r=await fetch(cfg.base+path,{method:'POST',headers:{'content-type':'application/json',accept:'application/json'},body:JSON.stringify(body),signal})
const j=await r.json().catch(()=>({}));if(!r.ok)throw fail(j.error&&j.error.message||('HTTP '+r.status),j.error&&j.error.code);return j}
const put=(url,headers,blob,onProgress,item)=>new Promise((resolve,reject)=>{const x=new XMLHttpRequest();item.xhrs.add(x)
x.open('PUT',url);for(const [k,v] of Object.entries(headers||{}))if(k!=='content-length')x.setRequestHeader(k,v)
x.upload.addEventListener('progress',e=>onProgress(e.loaded))
x.addEventListener('load',()=>{item.xhrs.delete(x);if(x.status>=200&&x.status<300)return resolve(x)
const code=/<Code>([^<]+)<\\/Code>/.exec(x.responseText||'');let j={};try{j=JSON.parse(x.responseText)}catch{}
reject(fail('HTTP '+x.status,(j.error&&j.error.code)||(code&&code[1]==='FileAlreadyExists'?'upload_exists':code&&code[1]),{status:x.status}))})
x.addEventListener('error',()=>{item.xhrs.delete(x);reject(fail('network','network'))})
x.addEventListener('abort',()=>{item.xhrs.delete(x);reject(fail('cancelled','cancelled'))})
x.send(blob)})
const fmt=n=>n<1024?n+' B':n<1048576?(n/1024).toFixed(1)+' KB':n<1073741824?(n/1048576).toFixed(1)+' MB':(n/1073741824).toFixed(2)+' GB'
const message=e=>e.code==='file_too_large'?w.tooLarge:e.code==='type_not_allowed'?w.typeRefused:e.code==='upload_exists'?w.exists:e.code==='upload_quota_reached'?w.quota:e.code==='cancelled'?w.cancelled:(w.failed+(e.message?' ('+e.message+')':''))
function row(file){const li=document.createElement('li');li.className='up'
const name=document.createElement('span');name.className='up-name';name.textContent=file.name
const size=document.createElement('span');size.className='up-size muted';size.textContent=fmt(file.size)
const bar=document.createElement('progress');bar.max=file.size||1;bar.value=0;bar.setAttribute('aria-label',file.name)
const status=document.createElement('span');status.className='up-status';status.setAttribute('role','status');status.textContent=w.waiting
const cancel=document.createElement('button');cancel.type='button';cancel.className='btn';cancel.textContent=w.cancel
const retry=document.createElement('button');retry.type='button';retry.className='btn';retry.textContent=w.retry;retry.hidden=true
li.append(name,size,bar,status,cancel,retry);queue.append(li)
return {file,li,bar,status,cancel,retry,xhrs:new Set(),loaded:new Map(),done:new Map(),cancelled:false,mp:null}}
const show=item=>{let sum=0;for(const v of item.loaded.values())sum+=v;item.bar.value=Math.min(sum,item.file.size)}
async function streamed(item){item.loaded.clear()
const x=await put(cfg.base+'/'+encodeURIComponent(item.file.name),{'content-type':item.file.type||'application/octet-stream'},item.file,n=>{item.loaded.set(0,n);show(item)},item)
return JSON.parse(x.responseText)}
async function single(item,start){try{await put(start.url,start.headers,item.file,n=>{item.loaded.set(0,n);show(item)},item)
await post('/confirm',{key:start.key}).catch(()=>{});return {key:start.key,name:start.name}}
catch(e){if(e.code!=='network')throw e;return streamed(item)}}
async function multipart(item,start){const m=start.multipart;item.mp={token:m.token,key:start.key}
const todo=[];for(let n=1;n<=m.partCount;n++)if(!item.done.has(n))todo.push(n)
const one=async n=>{for(let attempt=0;;attempt++){try{const {parts}=await post('/parts',{token:m.token,partNumbers:[n]})
const blob=item.file.slice((n-1)*m.partSize,Math.min(n*m.partSize,item.file.size))
const x=await put(parts[0].url,{},blob,v=>{item.loaded.set(n,v);show(item)},item)
item.done.set(n,x.getResponseHeader('ETag'));item.loaded.set(n,blob.size);show(item);return}
catch(e){item.loaded.set(n,0);if(item.cancelled||attempt>=2)throw e}}}
const workers=[];for(let i=0;i<3;i++)workers.push((async()=>{while(todo.length){await one(todo.shift())}})())
await Promise.all(workers)
const parts=[...item.done].map(([partNumber,etag])=>({partNumber,etag}))
const done=await post('/complete',{token:m.token,parts});item.mp=null;return done}
async function run(item){item.cancelled=false;item.retry.hidden=true;item.cancel.hidden=false;item.li.dataset.state='sending';item.status.textContent=w.sending
try{if(item.file.size>cfg.maxFileSize)throw fail('',  'file_too_large')
if(!item.start)item.start=await post('',{name:item.file.name,size:item.file.size,type:item.file.type||''})
const res=item.start.multipart?await multipart(item,item.start).catch(async e=>{if(e.code!=='network'||item.done.size>0)throw e
await post('/abort',{token:item.mp.token}).catch(()=>{});item.mp=null;return streamed(item)}):await single(item,item.start)
item.bar.value=item.bar.max;item.li.dataset.state='done';item.status.textContent=w.done;item.cancel.hidden=true
const li=document.createElement('li');li.dataset.key=res.key;li.textContent=(res.name||item.file.name)+' · '+fmt(item.file.size);results.append(li);none.hidden=true}
catch(e){item.li.dataset.state='failed';item.status.textContent=message(e);item.cancel.hidden=true
if(e.code==='upload_quota_reached')return full()
if(e.code==='file_too_large'||e.code==='type_not_allowed')return
if(e.code==='upload_exists'||e.code==='cancelled'||!item.start||!item.start.multipart)item.start=null
item.retry.hidden=false}}
function full(){input.disabled=true;zone.classList.add('full');document.getElementById('quota-full').hidden=false
const label=zone.querySelector('label');if(label)label.setAttribute('aria-disabled','true')}
function add(files){if(input.disabled)return
for(const file of files){const item=row(file)
item.cancel.addEventListener('click',()=>{item.cancelled=true;for(const x of item.xhrs)x.abort()
if(item.mp){post('/abort',{token:item.mp.token}).catch(()=>{});item.mp=null;item.done.clear()}})
item.retry.addEventListener('click',()=>run(item));run(item)}}
input.addEventListener('change',()=>{add([...input.files]);input.value=''})
for(const type of ['dragenter','dragover'])zone.addEventListener(type,e=>{e.preventDefault();zone.classList.add('over')})
for(const type of ['dragleave','drop'])zone.addEventListener(type,()=>zone.classList.remove('over'))
zone.addEventListener('drop',e=>{e.preventDefault();if(e.dataTransfer&&e.dataTransfer.files.length)add([...e.dataTransfer.files])})
})()`
