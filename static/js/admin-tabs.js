/* The tabs widget that django-modeltranslation's admin language tabs call (jQuery UI's API:
   .tabs({active}), .tabs("option", "active", n) and the "tabsactivate" event), served by the
   portal itself so that the admin loads nothing from a CDN. Keyboard: arrow keys, Home, End.

   Every group opens on the same language, the first (English, the one every text needs), not on
   the language of the admin's interface: a Japanese interface otherwise hid the English texts. A
   group whose field has an error opens on that language instead, and its tab is marked; Django's
   admin puts the error class below the row modeltranslation looks at, so it is looked up here. */
if (window.MODELTRANSLATION_AUTO_SELECT_CURRENT_LANGUAGE === undefined) {
  window.MODELTRANSLATION_AUTO_SELECT_CURRENT_LANGUAGE = false;
}
(function ($) {
  "use strict";

  function parts($container) {
    return { tabs: $container.children("ul").children("li"), panels: $container.children("div") };
  }

  function activate($container, index, moveFocus) {
    var p = parts($container);
    if (index < 0 || index >= p.tabs.length) return;
    var $old = p.tabs.filter(".ui-tabs-active");
    p.tabs.removeClass("ui-tabs-active ui-state-active").children("a").attr({ "aria-selected": "false", tabindex: "-1" });
    p.panels.addClass("ui-tabs-hide").attr("hidden", "hidden");
    var $new = p.tabs.eq(index).addClass("ui-tabs-active ui-state-active");
    $new.children("a").attr({ "aria-selected": "true", tabindex: "0" });
    p.panels.eq(index).removeClass("ui-tabs-hide").removeAttr("hidden");
    if (moveFocus) $new.children("a").trigger("focus");
    $container.data("tabs-active", index);
    if ($old.length && $old[0] !== $new[0]) {
      $container.trigger("tabsactivate", [{ newTab: $new, oldTab: $old }]);
    }
  }

  function setUp($container, active) {
    var p = parts($container);
    $container.addClass("ui-tabs");
    $container.children("ul").addClass("ui-tabs-nav").attr("role", "tablist");
    p.panels.addClass("ui-tabs-panel").attr("role", "tabpanel");
    p.tabs.attr("role", "presentation").each(function (index) {
      var $link = $(this).children("a");
      var panelId = ($link.attr("href") || "").replace(/^#/, "");
      $link.attr({ role: "tab", "aria-controls": panelId, id: panelId + "-tab" });
      p.panels.eq(index).attr("aria-labelledby", panelId + "-tab");
      $link.on("click", function (event) {
        event.preventDefault();
        activate($container, index, false);
      });
      $link.on("keydown", function (event) {
        var last = p.tabs.length - 1;
        var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        activate($container, (next + last + 1) % (last + 1), true);
      });
    });
    var withError = -1;
    p.panels.each(function (index) {
      if ($(this).find(".errorlist, .errors").length) {
        p.tabs.eq(index).addClass("ui-tab-has-errors");
        if (withError < 0) withError = index;
      }
    });
    activate($container, withError >= 0 ? withError : active || 0, false);
  }

  $.fn.tabs = function (options, name, value) {
    if (options === "option") {
      if (name === "active" && value !== undefined) {
        return this.each(function () { activate($(this), value, false); });
      }
      return this.first().data("tabs-active");
    }
    return this.each(function () { setUp($(this), (options || {}).active); });
  };
})(window.django && window.django.jQuery ? window.django.jQuery : window.jQuery);
