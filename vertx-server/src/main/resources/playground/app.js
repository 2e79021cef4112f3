// The g4f gateway's web playground: plain JS, no build step, talks only to this gateway's API.
// Model text is never parsed as HTML: every node is built with createElement/textContent.
'use strict';

(() => {
  const CONVERSATION = 'g4f.playground.conversation';
  const SETTINGS = 'g4f.playground.settings';
  const KEY = 'g4f.playground.key';
  const $ = (id) => document.getElementById(id);

  const state = {
    messages: loadConversation(),
    attachments: [],
    providers: [],
    models: [],
    controller: null,
    key: sessionStorage.getItem(KEY) || localStorage.getItem(KEY) || '',
    retry: null,
    views: new Map(),
  };

  /** An error the gateway answered, with its status and its {"error":{"message"}}. */
  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // ---- storage ----

  function loadConversation() {
    try {
      const stored = JSON.parse(localStorage.getItem(CONVERSATION) || '[]');
      return Array.isArray(stored) ? stored.filter((m) => m && typeof m.role === 'string') : [];
    } catch {
      return [];
    }
  }

  function saveConversation() {
    const stored = state.messages.map(({ streaming, ...message }) => message);
    try {
      localStorage.setItem(CONVERSATION, JSON.stringify(stored));
    } catch {
      // Over the quota (large images): keep the text and image links, drop inline image data.
      try {
        localStorage.setItem(CONVERSATION, JSON.stringify(stored.map((m) => {
          const images = (m.images || []).filter((url) => !url.startsWith('data:'));
          return images.length === (m.images || []).length ? m
            : { ...m, images, error: 'Image not kept: the browser storage was full.' };
        })));
      } catch {
        // Storage unavailable: the conversation still lives in the page.
      }
    }
  }

  function settings() {
    try {
      return JSON.parse(localStorage.getItem(SETTINGS) || '{}') || {};
    } catch {
      return {};
    }
  }

  function saveSettings() {
    try {
      localStorage.setItem(SETTINGS, JSON.stringify({
        provider: $('provider').value, model: $('model').value, imageFormat: $('image-format').value,
      }));
    } catch {
      // ignored: settings are a convenience
    }
  }

  // ---- errors ----

  function showError(message) {
    $('error-text').textContent = message;
    $('error').hidden = false;
  }

  function clearError() {
    $('error').hidden = true;
    $('error-text').textContent = '';
  }

  /** Shows a failure; a 401 also asks for the api key and remembers what to do once it is given. */
  function fail(error, retry) {
    showError(error && error.message ? error.message : String(error));
    if (error instanceof ApiError && error.status === 401) {
      state.retry = retry || null;
      $('key-form').hidden = false;
      $('key').focus();
    }
  }

  // ---- the API ----

  async function api(path, { method = 'GET', body, signal } = {}) {
    const headers = {};
    if (state.key) {
      headers.authorization = 'Bearer ' + state.key;
    }
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(path, {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await apiError(response);
    }
    return response;
  }

  async function apiError(response) {
    let message = 'The gateway answered ' + response.status + (response.statusText ? ' ' + response.statusText : '');
    try {
      const body = await response.json();
      if (body && body.error && typeof body.error.message === 'string') {
        message = body.error.message;
      } else if (body && typeof body.error === 'string') {
        message = body.error;
      }
    } catch {
      // not JSON: keep the status line
    }
    return new ApiError(response.status, message);
  }

  /** Yields the data of each server-sent event of a response body. */
  async function* events(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      const blocks = buffer.split(/\r\n\r\n|\n\n|\r\r/);
      buffer = done ? '' : blocks.pop();
      for (const block of blocks) {
        const data = block.split(/\r\n|\n|\r/).filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5)).join('\n');
        if (data) {
          yield data;
        }
      }
      if (done) {
        return;
      }
    }
  }

  // ---- pickers ----

  async function loadPickers() {
    try {
      const [providers, models] = await Promise.all([
        api('/v1/providers').then((r) => r.json()), api('/v1/models').then((r) => r.json()),
      ]);
      state.providers = Array.isArray(providers.data) ? providers.data : [];
      state.models = Array.isArray(models.data) ? models.data : [];
      const saved = settings();
      const providerSelect = $('provider');
      providerSelect.replaceChildren(option('', 'auto'));
      for (const provider of state.providers) {
        const roles = [provider.default && 'chat default', provider.images && 'images'].filter(Boolean);
        providerSelect.append(option(provider.id, provider.id + (roles.length ? ' (' + roles.join(', ') + ')' : '')));
      }
      select(providerSelect, saved.provider);
      fillModels(saved.model);
    } catch (error) {
      fail(error, loadPickers);
    }
  }

  function fillModels(wanted) {
    const provider = state.providers.find((p) => p.id === $('provider').value);
    const ids = provider && Array.isArray(provider.models) && provider.models.length
      ? provider.models : state.models.map((m) => m.id);
    const modelSelect = $('model');
    const current = wanted !== undefined ? wanted : modelSelect.value;
    modelSelect.replaceChildren(option('', 'provider default'));
    for (const id of [...new Set(ids)]) {
      const owner = state.models.find((m) => m.id === id);
      modelSelect.append(option(id, !provider && owner && owner.owned_by ? id + ' \u00b7 ' + owner.owned_by : id));
    }
    select(modelSelect, current);
  }

  function option(value, label) {
    const element = document.createElement('option');
    element.value = value;
    element.textContent = label;
    return element;
  }

  function select(element, value) {
    if (value && [...element.options].some((o) => o.value === value)) {
      element.value = value;
    }
  }

  // ---- rendering ----

  function render() {
    const list = $('messages');
    state.views.clear();
    list.replaceChildren();
    if (!state.messages.length) {
      const hint = document.createElement('p');
      hint.id = 'empty';
      hint.className = 'hint';
      hint.textContent = 'Ask something, attach an image for a vision model, or generate a picture.';
      list.append(hint);
    }
    for (const message of state.messages) {
      const view = document.createElement('article');
      state.views.set(message, view);
      list.append(view);
      update(message);
    }
    list.scrollTop = list.scrollHeight;
  }

  function update(message) {
    const view = state.views.get(message);
    if (!view) {
      return;
    }
    view.className = 'message ' + message.role + (message.streaming ? ' streaming' : '');
    view.dataset.role = message.role;
    const who = document.createElement('div');
    who.className = 'who';
    who.textContent = message.role === 'user' ? 'You'
      : 'Assistant' + (message.provider ? ' \u00b7 ' + message.provider : '') + (message.model ? ' \u00b7 ' + message.model : '');
    const body = document.createElement('div');
    body.className = 'body';
    if (message.role === 'user') {
      paragraphs(message.content || '', body);
    } else {
      body.append(markdown(message.content || ''));
    }
    const parts = [who, body];
    if (message.images && message.images.length) {
      const images = document.createElement('div');
      images.className = 'images';
      for (const url of message.images) {
        if (/^(https?:|data:image\/|blob:)/i.test(url)) {
          const img = document.createElement('img');
          img.src = url;
          img.alt = message.kind === 'image' ? 'generated image' : 'attached image';
          img.className = message.role === 'user' ? 'thumb' : '';
          images.append(img);
        }
      }
      parts.push(images);
    }
    if (message.stopped) {
      parts.push(note('note', 'Stopped.'));
    }
    if (message.error) {
      parts.push(note('failure', message.error));
    }
    view.replaceChildren(...parts);
    const list = $('messages');
    list.scrollTop = list.scrollHeight;
  }

  function note(className, text) {
    const element = document.createElement('div');
    element.className = className;
    element.textContent = text;
    return element;
  }

  function paragraphs(text, parent) {
    for (const block of text.split(/\n{2,}/)) {
      if (block.trim()) {
        const p = document.createElement('p');
        lines(block, p, (line, into) => into.append(document.createTextNode(line)));
        parent.append(p);
      }
    }
  }

  function lines(text, parent, each) {
    text.split('\n').forEach((line, i) => {
      if (i > 0) {
        parent.append(document.createElement('br'));
      }
      each(line, parent);
    });
  }

  /** A safe subset of Markdown as DOM nodes: fenced code, headings, lists, quotes, paragraphs, inline code, emphasis, http(s) links. */
  function markdown(text) {
    const fragment = document.createDocumentFragment();
    const source = text.replace(/\r\n?/g, '\n').split('\n');
    const block = /^\s*(```|~~~)|^\s{0,3}#{1,6}\s|^\s*([-*+]|\d+[.)])\s+|^\s*>/;
    let i = 0;
    while (i < source.length) {
      const line = source[i];
      const fence = line.match(/^\s*(```+|~~~+)\s*([\w+#.-]*)/);
      if (fence) {
        const code = [];
        i++;
        while (i < source.length && !source[i].trim().startsWith(fence[1])) {
          code.push(source[i++]);
        }
        i++;
        const pre = document.createElement('pre');
        const element = document.createElement('code');
        if (fence[2]) {
          element.dataset.lang = fence[2];
        }
        element.textContent = code.join('\n');
        pre.append(element);
        fragment.append(pre);
        continue;
      }
      const heading = line.match(/^\s{0,3}(#{1,6})\s+(.*)$/);
      if (heading) {
        const element = document.createElement('h' + Math.min(6, heading[1].length + 2));
        inline(heading[2], element);
        fragment.append(element);
        i++;
        continue;
      }
      const item = line.match(/^\s*([-*+]|\d+[.)])\s+(.*)$/);
      if (item) {
        const ordered = /\d/.test(item[1]);
        const list = document.createElement(ordered ? 'ol' : 'ul');
        let match;
        while (i < source.length && (match = source[i].match(/^\s*([-*+]|\d+[.)])\s+(.*)$/))
            && /\d/.test(match[1]) === ordered) {
          const li = document.createElement('li');
          inline(match[2], li);
          list.append(li);
          i++;
        }
        fragment.append(list);
        continue;
      }
      if (/^\s*>/.test(line)) {
        const quote = document.createElement('blockquote');
        const quoted = [];
        while (i < source.length && /^\s*>/.test(source[i])) {
          quoted.push(source[i++].replace(/^\s*>\s?/, ''));
        }
        lines(quoted.join('\n'), quote, inline);
        fragment.append(quote);
        continue;
      }
      if (!line.trim()) {
        i++;
        continue;
      }
      const paragraph = [];
      while (i < source.length && source[i].trim() && (paragraph.length === 0 || !block.test(source[i]))) {
        paragraph.push(source[i++]);
      }
      const p = document.createElement('p');
      lines(paragraph.join('\n'), p, inline);
      fragment.append(p);
    }
    return fragment;
  }

  function inline(text, parent) {
    const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g;
    let last = 0;
    let match;
    while ((match = pattern.exec(text)) !== null) {
      parent.append(document.createTextNode(text.slice(last, match.index)));
      let element;
      if (match[1] !== undefined) {
        element = document.createElement('code');
        element.textContent = match[1];
      } else if (match[2] !== undefined || match[3] !== undefined) {
        element = document.createElement('strong');
        inline(match[2] !== undefined ? match[2] : match[3], element);
      } else if (match[4] !== undefined) {
        element = document.createElement('em');
        inline(match[4], element);
      } else {
        element = document.createElement('a');
        element.href = match[6];
        element.target = '_blank';
        element.rel = 'noopener noreferrer';
        element.textContent = match[5];
      }
      parent.append(element);
      last = pattern.lastIndex;
    }
    parent.append(document.createTextNode(text.slice(last)));
  }

  function renderAttachments() {
    const box = $('attachments');
    box.replaceChildren(...state.attachments.map((url, index) => {
      const figure = document.createElement('figure');
      const img = document.createElement('img');
      img.src = url;
      img.alt = 'attachment ' + (index + 1);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '\u00d7';
      remove.setAttribute('aria-label', 'Remove attachment');
      remove.addEventListener('click', () => {
        state.attachments.splice(index, 1);
        renderAttachments();
      });
      figure.append(img, remove);
      return figure;
    }));
  }

  function busy(running) {
    $('stop').disabled = !running;
    $('send').disabled = running;
    $('generate').disabled = running;
  }

  // ---- chat ----

  /** The conversation as OpenAI messages: text, or text and image_url parts. */
  function history() {
    return state.messages
      .filter((m) => m.kind !== 'image' && m.kind !== 'image-prompt' && !m.streaming && (m.content || (m.images || []).length))
      .map((m) => (m.role === 'user' && m.images && m.images.length
        ? {
          role: 'user',
          content: [{ type: 'text', text: m.content || '' },
            ...m.images.map((url) => ({ type: 'image_url', image_url: { url } }))],
        }
        : { role: m.role, content: m.content || '' }));
  }

  function send() {
    const text = $('prompt').value.trim();
    if (state.controller || (!text && !state.attachments.length)) {
      return;
    }
    clearError();
    state.messages.push({ role: 'user', content: text, images: state.attachments.splice(0) });
    $('prompt').value = '';
    renderAttachments();
    answer();
  }

  async function answer() {
    const request = { messages: history(), stream: true };
    if ($('model').value) {
      request.model = $('model').value;
    }
    if ($('provider').value) {
      request.provider = $('provider').value;
    }
    const message = { role: 'assistant', content: '', streaming: true };
    await fill(message, async (signal) => {
      const response = await api('/v1/chat/completions', { method: 'POST', body: request, signal });
      for await (const data of events(response)) {
        if (data === '[DONE]') {
          break;
        }
        const chunk = JSON.parse(data);
        if (chunk.error) {
          throw new ApiError(0, chunk.error.message || 'The stream failed');
        }
        message.provider = message.provider || chunk.provider;
        message.model = message.model || chunk.model;
        const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
        if (delta && typeof delta.content === 'string' && delta.content) {
          message.content += delta.content;
          update(message);
        }
      }
    }, answer);
  }

  /**
   * Adds the assistant message a call fills and runs the call (`work` gets the abort signal of the stop
   * button). A 401 before anything arrived removes the message, asks for the key and runs `retry`; any other
   * failure is shown in the message. At the end the page is redrawn and the conversation saved.
   */
  async function fill(message, work, retry) {
    state.messages.push(message);
    render();
    const controller = new AbortController();
    state.controller = controller;
    busy(true);
    try {
      await work(controller.signal);
    } catch (error) {
      if (error.name === 'AbortError') {
        message.stopped = true;
      } else if (error instanceof ApiError && error.status === 401 && !message.content) {
        state.messages.splice(state.messages.indexOf(message), 1);
        fail(error, retry);
      } else {
        message.error = error.message || String(error);
        fail(error);
      }
    } finally {
      message.streaming = false;
      state.controller = null;
      busy(false);
      render();
      saveConversation();
    }
  }

  // ---- images ----

  function imageType(base64) {
    const signatures = { '/9j/': 'jpeg', iVBOR: 'png', R0lG: 'gif', UklGR: 'webp' };
    const found = Object.keys(signatures).find((prefix) => base64.startsWith(prefix));
    return 'image/' + (found ? signatures[found] : 'png');
  }

  function generate() {
    const prompt = $('prompt').value.trim();
    if (state.controller) {
      return;
    }
    if (!prompt) {
      showError('Describe the picture to generate in the message box.');
      return;
    }
    clearError();
    $('prompt').value = '';
    state.messages.push({ role: 'user', kind: 'image-prompt', content: prompt });
    paint(prompt);
  }

  async function paint(prompt) {
    const message = { role: 'assistant', kind: 'image', content: '', images: [], streaming: true };
    await fill(message, async (signal) => {
      const request = { prompt, n: 1, response_format: $('image-format').value };
      if ($('provider').value) {
        request.provider = $('provider').value;
      }
      const response = await (await api('/v1/images/generations', { method: 'POST', body: request, signal })).json();
      message.provider = response.provider;
      message.images = (response.data || []).map((image) => image.url
        || (image.b64_json ? 'data:' + imageType(image.b64_json) + ';base64,' + image.b64_json : null)).filter(Boolean);
      message.content = message.images.length ? '' : 'The provider returned no image.';
    }, () => paint(prompt));
  }

  function attach(files) {
    for (const file of files) {
      if (!file.type.startsWith('image/')) {
        showError(file.name + ' is not an image.');
        continue;
      }
      const reader = new FileReader();
      reader.onload = () => {
        state.attachments.push(reader.result);
        renderAttachments();
      };
      reader.onerror = () => showError('Cannot read ' + file.name);
      reader.readAsDataURL(file);
    }
  }

  // ---- wiring ----

  function start() {
    window.addEventListener('error', (event) => showError('Playground error: ' + event.message));
    window.addEventListener('unhandledrejection', (event) => showError('Playground error: '
      + (event.reason && event.reason.message ? event.reason.message : String(event.reason))));
    $('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      send();
    });
    $('prompt').addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
      }
    });
    $('stop').addEventListener('click', () => state.controller && state.controller.abort());
    $('generate').addEventListener('click', generate);
    $('file').addEventListener('change', (event) => {
      attach([...event.target.files]);
      event.target.value = '';
    });
    $('provider').addEventListener('change', () => {
      fillModels();
      saveSettings();
    });
    $('model').addEventListener('change', saveSettings);
    $('image-format').addEventListener('change', saveSettings);
    $('error-close').addEventListener('click', clearError);
    $('clear').addEventListener('click', () => {
      if (state.controller) {
        state.controller.abort();
      }
      state.messages = [];
      saveConversation();
      render();
    });
    $('key-button').addEventListener('click', () => {
      $('key-form').hidden = !$('key-form').hidden;
    });
    $('key-form').addEventListener('submit', (event) => {
      event.preventDefault();
      state.key = $('key').value.trim();
      $('key').value = '';
      sessionStorage.setItem(KEY, state.key);
      if ($('key-remember').checked) {
        localStorage.setItem(KEY, state.key);
      } else {
        localStorage.removeItem(KEY);
      }
      $('key-form').hidden = true;
      clearError();
      const retry = state.retry;
      state.retry = null;
      if (state.providers.length === 0) {
        loadPickers();
      }
      if (retry && retry !== loadPickers) {
        retry();
      }
    });
    select($('image-format'), settings().imageFormat);
    render();
    loadPickers();
  }

  start();
})();
