/* The footer's "Download" links: say that an export is being made, and what to do when the
   server is busy (issue 20).

   A click on an export link fetches the file instead of navigating, so the page can say
   "Preparing the PNG (16:9 slide)..." in a status line (role=status, read by screen readers)
   and mark the link busy. A 503 or 429 comes with Retry-After (JSON, because this script asks
   for it): the status line says so and the request is made again when the server said, up to
   MAX_TRIES times; any other refusal is shown as the server worded it. The file itself is
   saved under the name the server gave (Content-Disposition). A link opened in a new tab, or
   with a modifier key, is left to the browser. */
(function () {
  "use strict";

  var MAX_TRIES = 5;
  var MAX_WAIT_S = 60;
  var busy = new WeakMap();

  function statusLine() {
    var line = document.getElementById("export-status");
    if (!line) {
      line = document.createElement("div");
      line.id = "export-status";
      line.className = "export-status";
      line.setAttribute("role", "status");
      line.setAttribute("aria-live", "polite");
      line.hidden = true;
      document.body.appendChild(line);
    }
    return line;
  }

  function say(text, kind) {
    var line = statusLine();
    line.textContent = text;
    line.className = "export-status" + (kind ? " export-status-" + kind : "");
    line.hidden = !text;
  }

  function what(link) {
    var fmt = (link.getAttribute("href").split("?")[0].split(".").pop() || "").toUpperCase();
    var size = link.getAttribute("title") ? link.textContent : "";
    return "the " + fmt + (size ? " (" + size + ")" : "");
  }

  function fileName(response, href) {
    var header = response.headers.get("Content-Disposition") || "";
    var found = /filename="?([^";]+)"?/.exec(header);
    return found ? found[1] : href.split("?")[0].split("/").pop();
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function done(link) {
    busy.delete(link);
    link.removeAttribute("aria-busy");
    link.classList.remove("export-working");
  }

  function refusal(response) {
    return response.text().then(function (text) {
      var message = text.trim();
      var wait = parseInt(response.headers.get("Retry-After") || "0", 10) || 0;
      var reason = message;
      try {
        var body = JSON.parse(text);
        message = body.error || message;
        reason = body.reason || message;
        wait = body.retry_after || wait;
      } catch (ignored) { /* a line of text */ }
      return { message: message, reason: reason, wait: wait };
    });
  }

  function fetchExport(link, href, attempt) {
    say("Preparing " + what(link) + "\u2026", "working");
    fetch(href, { headers: { Accept: "application/json;q=0.9, */*;q=0.5" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) {
          return response.blob().then(function (blob) {
            save(blob, fileName(response, href));
            say("Downloaded " + what(link) + ".", "done");
            done(link);
          });
        }
        return refusal(response).then(function (refused) {
          var retry = (response.status === 503 || response.status === 429) && refused.wait > 0;
          if (retry && attempt < MAX_TRIES && refused.wait <= MAX_WAIT_S) {
            say(refused.reason + " Trying again in " + refused.wait + " s (attempt " + (attempt + 1) +
                " of " + MAX_TRIES + ").", "waiting");
            setTimeout(function () { fetchExport(link, href, attempt + 1); }, refused.wait * 1000);
            return;
          }
          say(retry ? refused.reason + " Please try again in a few minutes." : refused.message, "failed");
          done(link);
        });
      })
      .catch(function () {
        say("The export could not be fetched (no connection?). Please try again.", "failed");
        done(link);
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.export-link");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var href = link.getAttribute("href") || "";
    if (href.indexOf("/export/") !== 0 || !window.fetch) return;
    event.preventDefault();
    if (busy.has(link)) return; // already on its way
    busy.set(link, true);
    link.setAttribute("aria-busy", "true");
    link.classList.add("export-working");
    fetchExport(link, href, 1);
  });
})();
