/* Mentions: typing "@" in a post, comment or message offers the members of the group or
 * conversation (no framework). The textarea becomes an ARIA combobox with a listbox below it:
 * arrow keys move, Enter or Tab inserts "@Display Name", Escape closes; a status line tells
 * screen readers how many members were found. Without this script, typing the name works too:
 * the server turns "@Display Name" into the member's id when the text is saved. */
(function () {
  "use strict";
  // Japanese has no spaces between words ("地図は@やま"): only an e-mail address ("a@b") is not a mention.
  var ADDRESS_BEFORE = /[A-Za-z0-9._%+-]/;

  function setup(form, area) {
    var url = form.dataset.mentions;
    var listId = area.id + "-mentions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mentions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", form.dataset.mentionsLabel || "");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    area.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    area.setAttribute("role", "combobox");
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", listId);
    area.setAttribute("aria-expanded", "false");

    var results = [], active = -1, start = -1, request = 0, timer = null;

    // The text between an "@" that starts a word and the caret, or null.
    function typed() {
      var caret = area.selectionStart;
      if (caret !== area.selectionEnd) return null;
      var before = area.value.slice(0, caret);
      var at = before.lastIndexOf("@");
      if (at < 0) return null;
      if (at > 0 && ADDRESS_BEFORE.test(before.charAt(at - 1))) return null;
      var query = before.slice(at + 1);
      if (query.length > 40 || /\n|\s\s/.test(query)) return null;
      return { at: at, query: query };
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      area.setAttribute("aria-expanded", "false");
      area.removeAttribute("aria-activedescendant");
      results = [];
      active = -1;
    }

    function move(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      area.setAttribute("aria-activedescendant", options[index].id);
      if (options[index].scrollIntoView) options[index].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var text = results[index].insert + " ";
      var caret = area.selectionStart;
      area.value = area.value.slice(0, start) + text + area.value.slice(caret);
      var position = start + text.length;
      area.focus();
      area.setSelectionRange(position, position);
      status.textContent = results[index].name;
      close();
    }

    function show(rows) {
      close();
      if (!rows.length) {
        status.textContent = form.dataset.mentionsNone || "";
        return;
      }
      results = rows;
      rows.forEach(function (row, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.textContent = row.name;
        if (row.detail) {
          var detail = document.createElement("span");
          detail.className = "muted";
          detail.textContent = " " + row.detail;
          option.appendChild(detail);
        }
        // mousedown, not click: the textarea keeps the focus and its caret.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      area.setAttribute("aria-expanded", "true");
      move(0);
      status.textContent = (form.dataset.mentionsFound || "{count}").replace("{count}", rows.length);
    }

    function load(query) {
      var mine = ++request;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          if (mine === request && typed()) show(data.results);
        })
        .catch(close);
    }

    area.addEventListener("input", function () {
      var found = typed();
      clearTimeout(timer);
      if (!found) {
        request++;
        close();
        return;
      }
      start = found.at;
      timer = setTimeout(function () { load(found.query); }, 150);
    });

    area.addEventListener("keydown", function (event) {
      // While an input method composes (kana to kanji), Enter confirms the composition.
      if (list.hidden || event.isComposing || event.keyCode === 229) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : results.length - 1;
        move((active + step) % results.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        request++;
        close();
      }
    });

    area.addEventListener("blur", function () {
      setTimeout(close, 200);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-mentions]"), function (form) {
    var area = form.querySelector("textarea");
    if (area && area.id && window.fetch) setup(form, area);
  });
})();
