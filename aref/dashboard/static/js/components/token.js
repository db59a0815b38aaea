// Ask for AREF_API_TOKEN in the page's <dialog> when a change is refused with 401 (none) or 403 (a wrong one).

export function askForToken() {
  const dialog = document.getElementById("token-dialog");
  const input = document.getElementById("token-input");
  if (!dialog || typeof dialog.showModal !== "function") return Promise.resolve(null);
  input.value = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok" && input.value ? input.value : null), {
      once: true,
    });
    dialog.showModal();
    input.focus();
  });
}
