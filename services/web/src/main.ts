import { render } from 'preact';
import { App } from './app.js';
import { html } from './html.js';
import './styles.css';

const root = document.getElementById('app');
if (root) render(html`<${App} />`, root);
