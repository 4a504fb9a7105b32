// Work running in the background (a batch award, a data archive, a member import or bulk enrolment):
// poll its progress and reload once it is done.
(function () {
  "use strict";
  document
    .querySelectorAll(".cred-batch[data-progress-url], .privacy-export[data-progress-url], .import-progress[data-progress-url]")
    .forEach(follow);
  function follow(box) {
    if (box.dataset.done === "1") {
      return;
    }
    var bar = box.querySelector("progress");
    function show(data) {
      if ("sent" in data) {
        // Imports count what was sent out of the total rather than a percentage.
        bar.max = data.total || 1;
        bar.value = data.total ? data.sent : 1;
        bar.textContent = data.sent + " / " + data.total;
      } else {
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
      }
      box.querySelectorAll("[data-field]").forEach(function (node) {
        var key = node.dataset.field;
        if (key in data) {
          node.textContent = data[key];
        }
      });
    }
    function poll() {
      fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
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
  }
})();
