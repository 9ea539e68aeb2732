/** The reference page: markup and style only; its script is /api/docs/docs.js (see docs-script.ts). */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ZapieRakyat API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/api/docs/docs.css">
<script src="/api/docs/docs.js" defer></script>
</head>
<body>
<header><strong>ZapieRakyat API</strong>
<label>Bearer token <input id="token" type="password" autocomplete="off" placeholder="paste your API token to try requests"></label>
</header>
<main id="app">Loading the API description…</main>
</body>
</html>
`

export const DOCS_CSS = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f7f8fa; }
header { position: sticky; top: 0; display: flex; gap: 1rem; align-items: center; justify-content: space-between; padding: .6rem 1rem; background: #1d2330; color: #fff; }
header input { width: 22rem; max-width: 50vw; }
main { max-width: 70rem; margin: 0 auto; padding: 1rem; }
h2 { text-transform: capitalize; border-bottom: 1px solid #d5d9e0; padding-bottom: .2rem; }
.op { background: #fff; border: 1px solid #d5d9e0; border-radius: 6px; margin: .4rem 0; padding: .3rem .7rem; }
.op > summary { cursor: pointer; display: flex; gap: .7rem; align-items: baseline; flex-wrap: wrap; }
.method { font-weight: 700; min-width: 4.2rem; font-family: ui-monospace, monospace; }
.m-get { color: #1463c4; } .m-post { color: #13804a; } .m-put { color: #a35a00; } .m-delete { color: #b3261e; }
.path { font-weight: 600; }
.summary { color: #4a5263; }
.badge { font-size: .75rem; background: #e7f3ec; color: #13804a; border-radius: 3px; padding: 0 .3rem; }
table { border-collapse: collapse; margin: .5rem 0; width: 100%; }
td, th { border: 1px solid #e2e5ea; padding: .2rem .4rem; text-align: left; vertical-align: top; }
td code { font-size: .8rem; word-break: break-all; }
pre { background: #f1f3f6; padding: .5rem; overflow: auto; max-height: 30rem; font-size: .8rem; }
textarea { width: 100%; font-family: ui-monospace, monospace; }
button { margin: .4rem 0; }
.response { margin: .2rem 0; }
`

/** No inline script or style, nothing from elsewhere: the page works offline and cannot be injected into. */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
