"""The curl options the importer knows, and whether each takes a value."""

from __future__ import annotations

# Long name -> what it means to the importer (options that take a value).
VALUE_OPTIONS = {
    "--request": "request",
    "--header": "header",
    "--data": "data",
    "--data-ascii": "data",
    "--data-raw": "data-raw",
    "--data-binary": "data-binary",
    "--data-urlencode": "data-urlencode",
    "--json": "json",
    "--form": "form",
    "--form-string": "form-string",
    "--user": "user",
    "--user-agent": "user-agent",
    "--referer": "referer",
    "--cookie": "cookie",
    "--url": "url",
    "--output": "output",
    "--oauth2-bearer": "oauth2-bearer",
    "--upload-file": "upload-file",
    "--request-target": "ignored",
}
# Options that take a value carman has no use for: reported as ignored.
IGNORED_VALUE_OPTIONS = {
    "--connect-timeout", "--max-time", "--retry", "--retry-delay", "--retry-max-time",
    "--write-out", "--cookie-jar", "--cacert", "--capath", "--cert", "--cert-type", "--key",
    "--key-type", "--pass", "--proxy", "--proxy-user", "--resolve", "--connect-to",
    "--limit-rate", "--max-redirs", "--range", "--dump-header", "--interface", "--dns-servers",
    "--trace", "--trace-ascii", "--stderr", "--config", "--netrc-file", "--ciphers",
    "--pinnedpubkey", "--unix-socket", "--abstract-unix-socket", "--aws-sigv4", "--noproxy",
    "--preproxy", "--proto", "--proto-redir", "--socks4", "--socks4a", "--socks5",
    "--socks5-hostname", "--time-cond", "--tls-max", "--output-dir", "--create-file-mode",
    "--etag-save", "--etag-compare", "--hsts", "--alt-svc", "--doh-url", "--local-port",
    "--keepalive-time", "--expect100-timeout", "--happy-eyeballs-timeout-ms", "--max-filesize",
    "--speed-limit", "--speed-time", "--continue-at", "--quote", "--mail-from", "--mail-rcpt",
    "--ftp-port", "--krb", "--service-name", "--sasl-authzid", "--login-options", "--variable",
}  # fmt: skip
# Flags that only change what curl prints: ignored without a word.
QUIET_FLAGS = {
    "--silent", "--show-error", "--verbose", "--include", "--progress-bar",
    "--no-progress-meter", "--fail", "--fail-with-body", "--no-buffer", "--styled-output",
    "--no-styled-output", "--compressed", "--globoff", "--show-headers", "--trace-time",
}  # fmt: skip
# Flags the importer acts on.
KNOWN_FLAGS = {"--get", "--location", "--insecure", "--head", "--location-trusted"}
# Flags carman cannot honour: reported as ignored.
IGNORED_FLAGS = {
    "--http1.0", "--http1.1", "--http2", "--http2-prior-knowledge", "--http3", "--ipv4",
    "--ipv6", "--netrc", "--netrc-optional", "--remote-name", "--remote-name-all",
    "--junk-session-cookies", "--raw", "--tr-encoding", "--tcp-nodelay", "--no-keepalive",
    "--path-as-is", "--ssl", "--ssl-reqd", "--tlsv1", "--tlsv1.0", "--tlsv1.1", "--tlsv1.2",
    "--tlsv1.3", "--sslv2", "--sslv3", "--digest", "--ntlm", "--negotiate", "--anyauth",
    "--basic", "--post301", "--post302", "--post303", "--remote-header-name", "--create-dirs",
    "--fail-early", "--parallel", "--retry-all-errors", "--retry-connrefused", "--xattr",
    "--proxy-insecure", "--proxytunnel", "--remote-time", "--http0.9", "--no-clobber",
    "--disable", "--list-only", "--append", "--crlf", "--use-ascii", "--no-alpn", "--no-npn",
    "--no-sessionid", "--cert-status", "--false-start", "--ignore-content-length",
    "--suppress-connect-headers", "--disallow-username-in-url", "--manual",
}  # fmt: skip
SHORT = {
    "X": "--request", "H": "--header", "d": "--data", "F": "--form", "u": "--user",
    "A": "--user-agent", "e": "--referer", "b": "--cookie", "o": "--output", "T": "--upload-file",
    "G": "--get", "L": "--location", "k": "--insecure", "I": "--head", "s": "--silent",
    "S": "--show-error", "v": "--verbose", "i": "--include", "f": "--fail", "N": "--no-buffer",
    "#": "--progress-bar", "g": "--globoff", "0": "--http1.0", "4": "--ipv4", "6": "--ipv6",
    "n": "--netrc", "O": "--remote-name", "j": "--junk-session-cookies",
    "J": "--remote-header-name",
    "Z": "--parallel", "q": "--disable", "l": "--list-only", "a": "--append", "B": "--use-ascii",
    "M": "--manual", "p": "--proxytunnel", "R": "--remote-time", "m": "--max-time",
    "w": "--write-out", "c": "--cookie-jar", "x": "--proxy", "E": "--cert", "r": "--range",
    "D": "--dump-header", "U": "--proxy-user", "K": "--config", "z": "--time-cond",
    "Y": "--speed-limit", "y": "--speed-time", "C": "--continue-at", "Q": "--quote",
}  # fmt: skip


def takes_value(long_name: str) -> bool:
    return long_name in VALUE_OPTIONS or long_name in IGNORED_VALUE_OPTIONS
