vcl 4.1;

# Newsroom's cache in front of gunicorn (README.md beside this file). Anonymous public pages are
# cached for the app's s-maxage and invalidated exactly by surrogate keys: the app names the keys
# of every cacheable response in an `xkey` header and, after each commit, sends
# `PURGE /` with `xkey-purge: <keys>` (articles/purge.py).

import std;
import xkey;

# gunicorn. Another address: change these two lines (tests/varnish.py rewrites the port line).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge. Only this host: the app runs beside Varnish.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        # The TLS proxy in front also connects from 127.0.0.1, so the ACL alone would let anyone
        # purge through it. Varnish has appended client.ip to X-Forwarded-For already: a second
        # entry means the request was relayed, not sent by the purge client itself.
        if (client.ip !~ purgers || req.http.X-Forwarded-For ~ ",") {
            return (synth(405, "Not allowed"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header required"));
        }
        # A hard purge, never xkey.softpurge(): a soft purge keeps the object for grace, so the
        # next reader would still get the old page (a withdrawn article, a home page without the
        # one just scheduled) while Varnish refetches in the background. After a hard purge the
        # next request for any of these pages reaches the app.
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }

    # Share links arrive with tracking parameters the app never reads; each value would otherwise
    # be a separate object and a trip to the app.
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z]+|fbclid|gclid)=[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }

    # Staff pages, drafts and previews are never cached; search results are per query, rarely
    # repeated (the empty search page itself is cached).
    if (req.url ~ "^/(admin|preview/|markdownx/|drafts/|search/\?)") {
        return (pass);
    }
    # Logged-in staff (or someone who has been to the login form) get the app's own pages: they
    # may see drafts, and what the app answers them must not be stored for readers.
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|csrftoken)=") {
        return (pass);
    }
    # Every other cookie (analytics, consent banners) is the browser's business: the app ignores
    # it, and left in place it would make the request uncacheable.
    unset req.http.Cookie;

    # The app sends Vary: Accept-Language (LocaleMiddleware). Browsers send thousands of distinct
    # values; reduce them to the language the app would pick from settings.LANGUAGES (keep this
    # list in step with it), so there is one object per language. Browsers list languages in
    # order of preference: the first one the site has wins, as it does in Django. None of them:
    # no header, and the app uses LANGUAGE_CODE.
    if (req.http.Accept-Language ~ "(?i)\b(ja|en)\b") {
        set req.http.Accept-Language = std.tolower(
            regsub(req.http.Accept-Language, "(?i)^.*?\b(ja|en)\b.*$", "\1"));
    } else {
        unset req.http.Accept-Language;
    }
    # On to the built-in vcl_recv: it lowercases Host, passes Authorization, then looks up.
}

sub vcl_hash {
    # What the built-in does, written out: the URL and the Host.
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    return (lookup);
}

sub vcl_synth {
    if (req.method == "PURGE" && resp.status == 200) {
        # The body is the number of objects purged (0 is not an error: nothing was cached).
        set resp.http.Content-Type = "text/plain";
        set resp.body = req.http.xkey-purged + {"
"};
        return (deliver);
    }
}

sub vcl_backend_response {
    # Cached only what the app explicitly marks as public with a lifetime. A cookie being set,
    # private/no-store/no-cache, or no lifetime at all (a redirect or error page the app did not
    # mark) makes a hit-for-miss: the next requests go to the app without queueing behind one
    # another, and the first cacheable answer replaces the marker, so a short one costs nothing.
    # A pass (bereq.uncacheable) is stored by no one anyway.
    if (!bereq.uncacheable && (
        beresp.http.Set-Cookie ||
        beresp.http.Cache-Control !~ "(?i)\b(s-maxage|max-age)=" ||
        beresp.http.Cache-Control ~ "(?i)\b(private|no-store|no-cache)\b")) {
        set beresp.ttl = 10s;
        set beresp.uncacheable = true;
    }
    # Nothing to set for lifetimes: Varnish has already taken the TTL from s-maxage (before
    # max-age) and the grace from stale-while-revalidate, 0 included, so the app's cap at the next
    # scheduled publication (s-maxage=M, stale-while-revalidate=0) expires exactly. Only a response
    # without stale-while-revalidate gets the default_grace parameter (10 s).

    # s-maxage is addressed to shared caches, and the only one that hears about purges is this
    # one. A proxy or CDN further down would keep a withdrawn article for up to s-maxage; without
    # it they fall back to max-age, the staleness the app already accepts for browsers. The rest
    # of Cache-Control goes out as the app sent it. Removed here, once per fetch and after the TTL
    # was read from it, rather than in vcl_deliver on every hit.
    if (beresp.http.Cache-Control ~ "(?i)\bs-maxage=") {
        set beresp.http.Cache-Control = regsub(
            regsub(beresp.http.Cache-Control, "(?i)\s*,?\s*\bs-maxage=\d+", ""), "^\s*,\s*", "");
    }
    if (beresp.uncacheable) {
        return (deliver);
    }

    # Pages are stored and sent as the app makes them: compression is the TLS proxy's (the README),
    # so a hit costs Varnish no gzip or gunzip.
    # On to the built-in: zero TTL and Vary: * are hit-for-miss there.
}

sub vcl_deliver {
    # Surrogate keys and the cache's own bookkeeping are not the reader's business.
    unset resp.http.xkey;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
    # For debugging and the tests: did this come from the cache?
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
