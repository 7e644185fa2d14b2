//! Which outgoing types MMS carries (brief §5: Sinch lists JPEG/PNG/GIF/BMP, MP4/3GPP,
//! MP3/WAV/AMR, vCard, plain text and PDF) and which we convert into one of them; for
//! everything else, what the person can do instead.

use crate::decode::decodable;
use crate::{MediaError, Sniffed};

/// Refuses what MMS can't carry (or we can't convert), naming what to do instead.
pub(crate) fn accept(file_name: &str, sniffed: &Sniffed) -> Result<(), MediaError> {
    let hint = match sniffed.content_type {
        ct if decodable(ct) => return Ok(()),
        "image/heic" | "image/heif" => {
            "this build has no HEIC decoder: export the photo as JPEG (on an iPhone, Settings \
             > Camera > Formats > Most Compatible) and attach that"
        }
        "image/avif" => "export the picture as JPEG and attach that",
        "image/svg+xml" => "export the drawing as PNG or JPEG and attach that",
        "video/quicktime" => "export the video as MP4 and attach that",
        "video/3gpp2" => "export the video as MP4 and attach that",
        "audio/mp4" => "export the recording as MP3 and attach that",
        "application/smil" => "Groupline writes the message's SMIL itself",
        "video/mp4" | "video/3gpp" | "audio/mpeg" | "audio/amr" | "audio/amr-wb" | "audio/wav"
        | "text/vcard" | "application/pdf" | "text/plain" => return Ok(()),
        _ => "MMS carries pictures, video, audio, contacts (vCard), PDF and text",
    };
    Err(MediaError::UnsupportedType {
        file_name: file_name.to_owned(),
        content_type: sniffed.content_type.to_owned(),
        hint,
    })
}
