import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // relative asset URLs: the build works from any folder of any static host
  base: "./",
  build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 600 },
});
