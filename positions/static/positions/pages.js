// Progressive enhancement only: a "Copy citation" button where the Clipboard API exists.
document.querySelectorAll("button.copy[data-copy]").forEach((button) => {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(button.dataset.copy).then(() => {
      button.textContent = "Copied";
    });
  });
});
