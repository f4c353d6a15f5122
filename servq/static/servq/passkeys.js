// Passkeys (WebAuthn) for the second factor: a button with data-passkey="register" or "sign-in"
// asks the server for options, hands them to the browser's authenticator, and posts the answer
// back. External file (the Content-Security-Policy allows no inline script); no framework.
(function () {
  "use strict";
  const toBytes = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  const toText = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

  async function post(url, body) {
    const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: body === undefined ? "" : JSON.stringify(body),
    });
    return { ok: response.ok, data: await response.json() };
  }

  function say(button, text) {
    const out = document.getElementById(button.dataset.status);
    if (out) out.textContent = text;
  }

  async function register(button) {
    const options = await post(button.dataset.options);
    if (!options.ok) return say(button, options.data.message);
    const o = options.data;
    o.challenge = toBytes(o.challenge);
    o.user.id = toBytes(o.user.id);
    (o.excludeCredentials || []).forEach((c) => (c.id = toBytes(c.id)));
    const made = await navigator.credentials.create({ publicKey: o });
    const answer = await post(button.dataset.url, {
      id: made.id,
      rawId: toText(made.rawId),
      type: made.type,
      response: {
        clientDataJSON: toText(made.response.clientDataJSON),
        attestationObject: toText(made.response.attestationObject),
      },
    });
    if (!answer.ok) return say(button, answer.data.message);
    window.location.reload();
  }

  async function signIn(button) {
    const options = await post(button.dataset.options);
    if (!options.ok) return say(button, options.data.message);
    const o = options.data;
    o.challenge = toBytes(o.challenge);
    (o.allowCredentials || []).forEach((c) => (c.id = toBytes(c.id)));
    const got = await navigator.credentials.get({ publicKey: o });
    const answer = await post(button.dataset.url, {
      id: got.id,
      rawId: toText(got.rawId),
      type: got.type,
      response: {
        clientDataJSON: toText(got.response.clientDataJSON),
        authenticatorData: toText(got.response.authenticatorData),
        signature: toText(got.response.signature),
        userHandle: got.response.userHandle ? toText(got.response.userHandle) : null,
      },
    });
    if (!answer.ok) return say(button, answer.data.message);
    window.location.assign(button.dataset.next || "/");
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-passkey]");
    if (!button) return;
    event.preventDefault();
    if (!window.PublicKeyCredential) return say(button, button.dataset.unsupported);
    const run = button.dataset.passkey === "register" ? register : signIn;
    run(button).catch(() => say(button, button.dataset.failed));
  });
})();
