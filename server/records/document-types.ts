/** What may be uploaded, with the extension a download (or an export's copy) is named with. */
export const DOCUMENT_TYPES: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/tiff": "tif",
  "application/dicom": "dcm",
  "text/plain": "txt",
};
