"use strict";
// markdownx answers a refused drop by typing "Invalid response" into the text. This takes that
// out again and shows the library's own reason (not an image, too large, SVG...) above the editor.
(function () {
  var PLACEHOLDER = "Invalid response";

  function messages(response) {
    var found = [];
    if (response && typeof response === "object") {
      Object.keys(response).forEach(function (field) {
        [].concat(response[field]).forEach(function (message) { found.push(String(message)); });
      });
    }
    return found;
  }

  document.addEventListener("markdownx.fileUploadError", function (event) {
    var parent = event.target;
    var editor = parent.querySelector("textarea");
    var shown = messages(event.detail && event.detail[0]);
    window.setTimeout(function () {
      // After markdownx inserted its placeholder at the cursor.
      var end = editor ? editor.selectionStart : 0;
      if (editor && editor.value.substring(end - PLACEHOLDER.length, end) === PLACEHOLDER) {
        editor.value = editor.value.substring(0, end - PLACEHOLDER.length) + editor.value.substring(end);
        editor.selectionStart = editor.selectionEnd = end - PLACEHOLDER.length;
      }
      var note = parent.querySelector(".upload-refused");
      if (!note) {
        note = document.createElement("p");
        note.className = "errornote upload-refused";
        note.setAttribute("role", "alert");
        parent.insertBefore(note, parent.firstChild);
      }
      note.textContent = shown.length ? shown.join(" ") : PLACEHOLDER;
    }, 0);
  }, true);

  document.addEventListener("markdownx.fileUploadEnd", function (event) {
    var note = event.target.querySelector(".upload-refused");
    if (note) { note.remove(); }
  }, true);
})();
