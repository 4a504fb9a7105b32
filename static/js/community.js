/* Live updates of an open conversation by conditional polling (no framework).
 * Every few seconds: GET the poll URL with If-None-Match: "<version>". The server answers
 * 304 from its cache while nothing changed; otherwise it sends the new messages. Polling slows
 * down while the tab is hidden and after errors, and resumes at once when the tab is shown. */
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  if (!chat) return;
  var pollUrl = chat.dataset.pollUrl;
  var version = chat.dataset.version || "";
  var lastId = chat.dataset.lastId || "0";
  var receipt = document.getElementById("chat-receipt");
  var form = document.getElementById("chat-form");
  var errorBox = document.getElementById("chat-error");
  var VISIBLE = 3000, HIDDEN = 30000, MAX = 60000;
  var delay = VISIBLE, timer = null, busy = false;

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  function append(data) {
    if (data.count) {
      var holder = document.createElement("ol");
      holder.innerHTML = data.html;
      Array.prototype.slice.call(holder.children).forEach(function (item) {
        if (!document.getElementById(item.id)) chat.appendChild(item);
      });
      var newest = chat.lastElementChild;
      if (newest) newest.scrollIntoView({ block: "end" });
    }
    if (data.last_id) lastId = String(data.last_id);
    if (receipt) receipt.innerHTML = data.receipt;
  }

  function poll() {
    if (busy) return;
    busy = true;
    fetch(pollUrl + "?after=" + encodeURIComponent(lastId), {
      headers: { "If-None-Match": '"' + version + '"', "X-Requested-With": "fetch" },
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      if (response.status === 304) return null;
      if (!response.ok) throw new Error(response.status);
      var etag = response.headers.get("ETag");
      if (etag) version = etag.replace(/"/g, "");
      return response.json();
    }).then(function (data) {
      if (data) append(data);
      delay = document.hidden ? HIDDEN : VISIBLE;
    }).catch(function () {
      delay = Math.min(delay * 2, MAX);
    }).then(function () {
      busy = false;
      schedule(delay);
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { delay = VISIBLE; schedule(0); }
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      var textarea = form.querySelector("textarea");
      if (!window.fetch || !textarea) return;
      event.preventDefault();
      var body = new FormData(form);
      errorBox.hidden = true;
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          return response.text().then(function (text) { return { status: response.status, text: text }; });
        })
        .then(function (result) {
          if (result.status === 201) {
            textarea.value = "";
            Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) { input.value = ""; });
            schedule(0);
            return;
          }
          var message = result.text;
          try { message = JSON.parse(result.text).errors.join(" "); } catch (e) {
            var doc = new DOMParser().parseFromString(result.text, "text/html");
            var alert = doc.querySelector("[role=alert]");
            message = alert ? alert.textContent.trim() : String(result.status);
          }
          errorBox.textContent = message;
          errorBox.hidden = false;
        });
    });
  }
  schedule(VISIBLE);
})();
