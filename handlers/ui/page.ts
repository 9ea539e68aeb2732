import { createRouter } from '../../src/router'
import { securityHeaders } from '../../src/security-headers'
import { UI_ENTRY } from '../../src/ui/assets.generated'

/**
 * The dashboard's only HTML: a static shell that loads the bundled script and stylesheet. It holds
 * no data and no inline code (the CSP forbids both); everything else comes from the public API.
 * Routing happens after the `#`, so this one page serves every screen.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ZapieRakyat</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${UI_ENTRY.css}">
<script type="module" src="/assets/${UI_ENTRY.js}"></script>
</head>
<body>
<div id="app"><p class="boot" role="status">Loading the dashboard…</p></div>
<noscript><p>The ZapieRakyat dashboard needs JavaScript. The API is at /api.</p></noscript>
</body>
</html>
`

export default createRouter().get('/', securityHeaders(), (c) => {
  c.header('Cache-Control', 'no-cache')
  return c.html(PAGE, 200)
})
