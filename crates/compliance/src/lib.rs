//! Texting-compliance rules as pure functions: what an inbound text asks for (opt out,
//! opt back in, help) and when a recipient may be texted (quiet hours by the recipient's
//! local time). The engine applies them; nothing here does I/O or reads the clock.
