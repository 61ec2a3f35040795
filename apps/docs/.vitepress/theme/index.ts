import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import DigitsDemo from './components/DigitsDemo.vue';
import './custom.css';

/** The default theme plus the live demo component, usable as `<DigitsDemo />` in any page. */
export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('DigitsDemo', DigitsDemo);
  },
} satisfies Theme;
