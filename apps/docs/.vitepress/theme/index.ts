import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import DigitsDemo from './components/DigitsDemo.vue';
import SweepDemo from './components/SweepDemo.vue';
import './custom.css';

/**
 * The default theme plus the live demo components, usable as `<DigitsDemo />` and
 * `<SweepDemo />` in any page.
 */
export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('DigitsDemo', DigitsDemo);
    app.component('SweepDemo', SweepDemo);
  },
} satisfies Theme;
