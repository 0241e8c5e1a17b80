// The library picker opened by the body editor's "Insert figure" dialog
// (django-prose-editor's Figure extension): it waits for the CKEditor-style callback
// window.opener.CKEDITOR.tools.callFunction(number, url, data).
"use strict"

document.addEventListener("click", (event) => {
  const choice = event.target.closest(".image-picker__choice")
  if (!choice) return
  const params = new URLSearchParams(window.location.search)
  const callback = Number(params.get("CKEditorFuncNum"))
  const tools = window.opener?.CKEDITOR?.tools
  if (!tools || Number.isNaN(callback)) return
  tools.callFunction(callback, choice.dataset.url, {
    id: choice.dataset.id,
    alternative_text: choice.dataset.alt,
    caption: choice.dataset.caption,
  })
  window.close()
})
