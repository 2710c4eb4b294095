"""Fills the Content-Security-Policy of dist/index.html with the sha256 of Trunk's inline loader
script, so no other inline script can run (no 'unsafe-inline')."""
import base64, hashlib, re, sys

path = sys.argv[1] if len(sys.argv) > 1 else "dist/index.html"
html = open(path, encoding="utf-8").read()
scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
hashes = " ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts if s.strip())
if "'sha256-LOADER'" not in html:
    sys.exit(f"{path}: no 'sha256-LOADER' placeholder in the CSP meta tag")
open(path, "w", encoding="utf-8").write(html.replace("'sha256-LOADER'", hashes))
print(f"csp: {len(scripts)} inline script(s) hashed into {path}")
