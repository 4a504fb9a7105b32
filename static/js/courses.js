// Tell the server the visitor's time zone so that weekly schedules are shown in local time.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("jige_tz=" + zone) === -1) {
      document.cookie = "jige_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browser: the server falls back to Japan time */ }
})();
