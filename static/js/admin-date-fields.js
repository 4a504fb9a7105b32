// A date has no time of day, so the admin's time-zone note beside a date-only field says
// nothing true; it stays beside date-and-time fields (inside p.datetime).
window.addEventListener("load", function () {
    // DateTimeShortcuts adds its notes in its own load handler: look once it has run.
    window.setTimeout(function () {
        document.querySelectorAll("input.vDateField").forEach(function (input) {
            if (input.closest("p.datetime")) {
                return;
            }
            var note = document.getElementById(input.id + "_timezone_warning_helptext");
            if (note) {
                note.remove();
            }
        });
    }, 0);
});
