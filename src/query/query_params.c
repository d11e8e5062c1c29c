/* query_params.c — every parameter of the reference (§2.1–2.6), with its
 * type, default, allowed values and status in this build. README's
 * parameter table is this table in prose; keep them in step. */
#include "query/query_params.h"

#include <string.h>

#define NUM(lo, hi) lo, hi
#define NONE 0, 0

const kt_param_spec kt_query_params[] = {
    /* 2.1 core, auth, platform */
    {"token", NULL, kt_pt_id, kt_ps_supported, "an API token", NONE, "", kt_pf_token},
    {"isAndroid", "android", kt_pt_bool, kt_ps_page, "true|false", NONE, "false", kt_pf_is_android},
    {"isMobile", NULL, kt_pt_bool, kt_ps_page, "true|false", NONE, "false", kt_pf_is_mobile},
    {"width", NULL, kt_pt_int, kt_ps_page, "pixels 1..8192", NUM(1, 8192), "auto", kt_pf_width},
    {"height", NULL, kt_pt_int, kt_ps_page, "pixels 1..8192", NUM(1, 8192), "auto", kt_pf_height},
    /* 2.2 what to track */
    {"exercise", NULL, kt_pt_id, kt_ps_supported, "an exercise id", NONE, "", kt_pf_exercise},
    {"reference", "reference_movement", kt_pt_id, kt_ps_supported, "a reference movement uuid", NONE, "", kt_pf_reference},
    {"userExercise", NULL, kt_pt_id, kt_ps_supported, "a custom movement uuid", NONE, "", kt_pf_user_exercise},
    /* 2.3 streams and scoring */
    {"skeleton", NULL, kt_pt_id, kt_ps_supported, "true|false|default", NONE, "true", kt_pf_skeleton},
    {"keypoints", NULL, kt_pt_bool, kt_ps_supported, "true|false", NONE, "false", kt_pf_keypoints},
    {"angles", NULL, kt_pt_bool, kt_ps_supported, "true|false", NONE, "false", kt_pf_angles},
    {"progression", NULL, kt_pt_bool, kt_ps_supported, "true|false", NONE, "false", kt_pf_progression},
    {"recommendations", NULL, kt_pt_bool, kt_ps_supported, "true|false", NONE, "false", kt_pf_recommendations},
    {"minGrade", NULL, kt_pt_choice, kt_ps_supported, "A|B|C|D", NONE, "", kt_pf_min_grade},
    {"difficulty", NULL, kt_pt_choice, kt_ps_supported, "easy|medium|hard|normal|pro", NONE, "medium", kt_pf_difficulty},
    {"userHeightCm", NULL, kt_pt_number, kt_ps_supported, "centimetres 50..272", NUM(50, 272), "", kt_pf_user_height},
    {"devicePitchDeg", NULL, kt_pt_number, kt_ps_supported, "degrees -90..90", NUM(-90, 90), "0", kt_pf_device_pitch},
    {"scoring_profile", NULL, kt_pt_choice, kt_ps_supported, "default|kali|kali-analysis", NONE, "kali-analysis", kt_pf_scoring_profile},
    {"engine", NULL, kt_pt_choice, kt_ps_supported, "v3|v4", NONE, "v3", kt_pf_engine},
    /* 2.4 layout, boot and placement overlay */
    {"loading_message", NULL, kt_pt_text, kt_ps_page, "text", NONE, "", kt_pf_loading_message},
    {"postureBox", NULL, kt_pt_bool, kt_ps_not_yet_if_set_to_non_default, "true|false", NONE, "false", kt_pf_none},
    {"placement", NULL, kt_pt_bool, kt_ps_not_yet_if_set_to_non_default, "true|false", NONE, "false", kt_pf_none},
    {"placementCountdownSeconds", NULL, kt_pt_number, kt_ps_not_yet, "seconds 0..60", NUM(0, 60), "", kt_pf_none},
    {"placementOverlay", NULL, kt_pt_bool, kt_ps_not_yet_if_set_to_non_default, "true|false", NONE, "false", kt_pf_none},
    {"placementZoneColor", NULL, kt_pt_color, kt_ps_not_yet, "#rgb|#rrggbb|#rrggbbaa", NONE, "#19221f", kt_pf_none},
    {"placementOverlayOpacity", NULL, kt_pt_number, kt_ps_not_yet, "0..1", NUM(0, 1), "0.45", kt_pf_none},
    {"placementImageOpacity", NULL, kt_pt_number, kt_ps_not_yet, "0..1", NUM(0, 1), "0.9", kt_pf_none},
    {"placementBoxStrokeColor", NULL, kt_pt_color, kt_ps_not_yet, "#rgb|#rrggbb|#rrggbbaa", NONE, "#e2e2ef", kt_pf_none},
    {"silhouetteColor", NULL, kt_pt_color, kt_ps_not_yet, "#rgb|#rrggbb|#rrggbbaa", NONE, "", kt_pf_none},
    {"silhouetteShadow", NULL, kt_pt_color, kt_ps_not_yet, "#rgb|#rrggbb|#rrggbbaa", NONE, "", kt_pf_none},
    {"silhouette", NULL, kt_pt_bool, kt_ps_not_yet_if_set_to_non_default, "true|false", NONE, "true", kt_pf_none},
    {"placementZone", NULL, kt_pt_bool, kt_ps_not_yet_if_set_to_non_default, "true|false", NONE, "true", kt_pf_none},
    {"timer", NULL, kt_pt_timer, kt_ps_not_yet, "true|seconds 1..60", NUM(1, 60), "", kt_pf_none},
    {"timerSeconds", NULL, kt_pt_number, kt_ps_not_yet, "seconds 1..60", NUM(1, 60), "", kt_pf_none},
    {"timerBg", NULL, kt_pt_color, kt_ps_not_yet, "#rgb|#rrggbb|#rrggbbaa", NONE, "", kt_pf_none},
    {"timerColor", NULL, kt_pt_color, kt_ps_not_yet, "#rgb|#rrggbb|#rrggbbaa", NONE, "", kt_pf_none},
    {"timerBorder", NULL, kt_pt_color, kt_ps_not_yet, "#rgb|#rrggbb|#rrggbbaa", NONE, "", kt_pf_none},
    {"guide", NULL, kt_pt_bool, kt_ps_not_yet_if_set_to_non_default, "true|false", NONE, "false", kt_pf_none},
    {"placementOverlayImageUrl", NULL, kt_pt_url, kt_ps_not_yet, "an http(s) image URL", NONE, "", kt_pf_none},
    {"paddingHorizontal", NULL, kt_pt_number, kt_ps_not_yet, "percent 0..45", NUM(0, 45), "10", kt_pf_none},
    {"paddingVertical", NULL, kt_pt_number, kt_ps_not_yet, "percent 0..45", NUM(0, 45), "10", kt_pf_none},
    {"paddingLeft", NULL, kt_pt_number, kt_ps_not_yet, "percent 0..45", NUM(0, 45), "10", kt_pf_none},
    {"paddingRight", NULL, kt_pt_number, kt_ps_not_yet, "percent 0..45", NUM(0, 45), "10", kt_pf_none},
    {"paddingTop", NULL, kt_pt_number, kt_ps_not_yet, "percent 0..45", NUM(0, 45), "10", kt_pf_none},
    {"paddingBottom", NULL, kt_pt_number, kt_ps_not_yet, "percent 0..45", NUM(0, 45), "10", kt_pf_none},
    {"engineDebug", NULL, kt_pt_bool, kt_ps_not_yet_if_set_to_non_default, "true|false", NONE, "false", kt_pf_none},
    /* 2.5 pose model and runtime */
    {"blazepose", NULL, kt_pt_bool, kt_ps_supported, "true|false", NONE, "false", kt_pf_blazepose},
    {"poseBackend", NULL, kt_pt_choice, kt_ps_page, "webgl|wasm", NONE, "webgl", kt_pf_pose_backend},
    {"runInWorker", NULL, kt_pt_bool, kt_ps_page, "true|false", NONE, "true", kt_pf_run_in_worker},
    /* kinetrack's own: the wasm threads of the page's engine (README "Threads") */
    {"threads", NULL, kt_pt_choice, kt_ps_page, "auto|1|2|3|4", NONE, "auto", kt_pf_threads},
    {"poseEngine", NULL, kt_pt_choice, kt_ps_supported, "tfjs", NONE, "tfjs", kt_pf_none},
    {"mediapipeModel", NULL, kt_pt_choice, kt_ps_supported, "lite|full|heavy", NONE, "lite", kt_pf_mediapipe_model},
    /* 2.6 upload only */
    {"source", NULL, kt_pt_choice, kt_ps_supported, "video|image", NONE, "video", kt_pf_source},
    {"videoSrc", NULL, kt_pt_url, kt_ps_page, "an http(s), blob: or data:video URL", NONE, "", kt_pf_video_src},
    {"imageSrc", NULL, kt_pt_url, kt_ps_page, "an http(s), blob: or data:image URL", NONE, "", kt_pf_image_src},
    {"showUpload", NULL, kt_pt_bool, kt_ps_page, "true|false", NONE, "true", kt_pf_show_upload},
    {"export", NULL, kt_pt_bool, kt_ps_page, "true|false", NONE, "false", kt_pf_export},
    {"containerMinHeight", NULL, kt_pt_int, kt_ps_page, "pixels 0..8192", NUM(0, 8192), "200", kt_pf_container_min_height},
    {"containerMaxWidth", NULL, kt_pt_int, kt_ps_page, "pixels 0..8192", NUM(0, 8192), "", kt_pf_container_max_width},
    {"containerMaxHeight", NULL, kt_pt_int, kt_ps_page, "pixels 0..8192", NUM(0, 8192), "", kt_pf_container_max_height},
    {"objectFit", NULL, kt_pt_choice, kt_ps_page, "contain|cover|fill|none|scale-down", NONE, "contain", kt_pf_object_fit},
    {"uploadButtonPosition", NULL, kt_pt_choice, kt_ps_page, "center|top|bottom|floating", NONE, "center", kt_pf_upload_button_position},
    {"uploadAreaPadding", NULL, kt_pt_int, kt_ps_page, "pixels 0..512", NUM(0, 512), "12", kt_pf_upload_area_padding},
    {"uploadLabel", NULL, kt_pt_text, kt_ps_page, "text", NONE, "", kt_pf_upload_label},
    {"uploadButtonClass", NULL, kt_pt_classes, kt_ps_page, "class names", NONE, "", kt_pf_upload_button_class},
    {"uploadButtonStyle", NULL, kt_pt_style, kt_ps_page, "CSS declarations (safe subset)", NONE, "", kt_pf_upload_button_style},
    {"containerClass", NULL, kt_pt_classes, kt_ps_page, "class names", NONE, "", kt_pf_container_class},
};

const size_t kt_query_param_count = sizeof(kt_query_params) / sizeof(kt_query_params[0]);

const kt_param_spec* kt_query_param_find(const char* name) {
  for (size_t i = 0; i < kt_query_param_count; i++) {
    const kt_param_spec* p = &kt_query_params[i];
    if (strcmp(p->name, name) == 0 || (p->alias && strcmp(p->alias, name) == 0)) return p;
  }
  return NULL;
}
