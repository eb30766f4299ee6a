/** The types the document store takes (DESIGN.md), by MIME type and by file extension. */
export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

export const ACCEPTED_TYPES: Record<string, string[]> = {
  "application/pdf": [".pdf"],
  "image/png": [".png"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/tiff": [".tif", ".tiff"],
  "application/dicom": [".dcm"],
  "text/plain": [".txt"],
};

/** The MIME type to send: the browser's, or the one its extension implies (browsers know no DICOM). */
export function contentTypeOf(file: File): string | null {
  if (file.type && ACCEPTED_TYPES[file.type]) return file.type;
  const name = file.name.toLowerCase();
  for (const [type, extensions] of Object.entries(ACCEPTED_TYPES)) {
    if (extensions.some((extension) => name.endsWith(extension))) return type;
  }
  return null;
}

export type UploadFailure = "TOO_LARGE" | "UNSUPPORTED" | "EXPIRED" | "NETWORK" | "SERVER";

export class UploadError extends Error {
  constructor(readonly reason: UploadFailure) {
    super(reason);
  }
}

/** One HTTP PUT of the bytes to the record's signed URL, reporting progress (0..1). */
export function putDocument(url: string, file: File, contentType: string, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    request.setRequestHeader("Content-Type", contentType);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status === 201 || request.status === 200) {
        onProgress(1);
        resolve();
      } else if (request.status === 413) reject(new UploadError("TOO_LARGE"));
      else if (request.status === 415) reject(new UploadError("UNSUPPORTED"));
      else if (request.status === 404 || request.status === 410 || request.status === 401 || request.status === 403) reject(new UploadError("EXPIRED"));
      else reject(new UploadError("SERVER"));
    };
    request.onerror = () => reject(new UploadError("NETWORK"));
    request.onabort = () => reject(new UploadError("NETWORK"));
    signal?.addEventListener("abort", () => request.abort());
    request.send(file);
  });
}
