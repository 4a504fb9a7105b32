// Imports and bulk enrolments: follow the background work of a confirmed batch until it is done.
(function () {
  "use strict";
  document.querySelectorAll(".import-progress[data-progress-url]").forEach(function (box) {
    if (box.dataset.done === "1") {
      return;
    }
    var bar = box.querySelector("progress");
    function show(data) {
      bar.max = data.total || 1;
      bar.value = data.total ? data.sent : 1;
      bar.textContent = data.sent + " / " + data.total;
      box.querySelectorAll("[data-field]").forEach(function (node) {
        if (node.dataset.field in data) {
          node.textContent = data[node.dataset.field];
        }
      });
    }
    function poll() {
      fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          show(data);
          if (data.done) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1500);
          }
        })
        .catch(function () {
          window.setTimeout(poll, 5000);
        });
    }
    window.setTimeout(poll, 800);
  });
})();
