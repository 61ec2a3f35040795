/** Lets TypeScript check imports of single-file components; Vue compiles them at build time. */
declare module '*.vue' {
  import type { DefineComponent } from 'vue';

  const component: DefineComponent;
  export default component;
}
