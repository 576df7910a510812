// The page layout and the one escaping helper every template goes through.

export function escapeHtml(value) {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const css = `
  :root { --ink: #1f2328; --muted: #656d76; --brand: #0b5cad; --line: #d0d7de; --bg: #f6f8fa; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
  header { background: #fff; border-bottom: 1px solid var(--line); }
  header .bar, main, footer { max-width: 960px; margin: 0 auto; padding: 0 1rem; }
  header .bar { display: flex; align-items: center; justify-content: space-between; height: 3.5rem; }
  header a { color: var(--ink); text-decoration: none; }
  .brand { font-weight: 700; font-size: 1.2rem; } .brand span { color: var(--brand); }
  main { padding-top: 1.5rem; padding-bottom: 2rem; min-height: 70vh; }
  h1 { font-size: 1.6rem; margin: 0 0 1rem; } h2 { font-size: 1.2rem; margin: 1.25rem 0 .5rem; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 1rem; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem; }
  .card a { color: var(--ink); text-decoration: none; }
  .swatch { height: 120px; border-radius: 6px; margin-bottom: .75rem; }
  .price { font-weight: 600; color: var(--brand); }
  .muted { color: var(--muted); }
  button, .button { display: inline-block; background: var(--brand); color: #fff; border: 0; border-radius: 6px;
    padding: .55rem 1rem; font: inherit; cursor: pointer; text-decoration: none; }
  input { font: inherit; padding: .45rem; border: 1px solid var(--line); border-radius: 6px; }
  table { width: 100%; border-collapse: collapse; background: #fff; }
  th, td { text-align: left; padding: .6rem; border-bottom: 1px solid var(--line); }
  .notice { padding: 1rem; border-radius: 8px; border: 1px solid; }
  .notice.ok { background: #dafbe1; border-color: #4ac26b; }
  .notice.bad { background: #ffebe9; border-color: #ff8182; }
  footer { color: var(--muted); font-size: .85rem; padding-bottom: 2rem; }
`;

export function layout({ title, body, cartCount = 0, version, track }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · UpCommerce</title>
<style>${css}</style>
</head>
<body>
<header><div class="bar">
  <a class="brand" href="/">Up<span>Commerce</span></a>
  <nav><a href="/">Catalogue</a> · <a href="/cart" id="cart-link">Cart (<span id="cart-count">${cartCount}</span>)</a></nav>
</div></header>
<main>
${body}
</main>
<footer>storefront <span id="version">${escapeHtml(version)}</span> · track ${escapeHtml(track)}</footer>
</body>
</html>
`;
}
