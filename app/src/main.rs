//! Stallside in the browser: mounts the app on the page.

fn main() {
    // A panic's message goes to the console, where a bug report can quote it.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(stallside_app::App);
}
