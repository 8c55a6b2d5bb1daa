//! Stallside's coordinator and supervisor screens in the browser, served at `/staff/`.

fn main() {
    // A panic's message goes to the console, where a bug report can quote it.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(stallside_app::StaffApp);
}
