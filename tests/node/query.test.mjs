// The query parser (C, through the wasm), table-driven: every parameter of
// the reference with a valid value, an invalid one, its alias and its
// default; every plan against every gated feature; the cross-parameter
// rules with the reference's codes and literal texts; the DOM safety rules.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';

import { loadRuntime } from '../../lib/runtime.mjs';
import { validateMessage } from '../helpers/schemas.mjs';

let kt;
before(async () => { kt = await loadRuntime(); });

const parse = (q, plan = 'developer') => kt.parseQuery(q, plan);
function rejects(q, code, plan = 'developer') {
  try {
    parse(q, plan);
  } catch (e) {
    assert.equal(e.code, code, `${q}: ${e.message}`);
    validateMessage(e.payload);
    assert.equal(e.payload.fatal, true);
    return e.payload;
  }
  assert.fail(`${q} was accepted; expected ${code}`);
}

// [name, alias, [valid value, field, expected]..., [invalid values], default field value]
const SUPPORTED = [
  ['source', null, [['image', 'source', 'image'], ['VIDEO', 'source', 'video']], ['camera', '', 'imag'], ['source', 'video']],
  ['keypoints', null, [['true', 'keypoints', true], ['0', 'keypoints', false]], ['yes', 'TRUE '], ['keypoints', false]],
  ['angles', null, [['1', 'angles', true]], ['on'], ['angles', false]],
  ['progression', null, [['true', 'progression', true]], ['2'], ['progression', false]],
  ['recommendations', null, [['true', 'recommendations', true]], ['y'], ['recommendations', false]],
  ['skeleton', null, [['false', 'skeleton', false], ['default', 'skeleton', true]], ['not a uuid!'], ['skeleton', true]],
  ['minGrade', null, [['b', 'minGrade', 'B'], ['D', 'minGrade', 'D']], ['E', 'F', 'AB'], ['minGrade', '']],
  ['difficulty', null, [['easy', 'difficulty', 'easy'], ['normal', 'difficulty', 'medium'], ['pro', 'difficulty', 'hard'], ['Hard', 'difficulty', 'hard']], ['insane'], ['difficulty', 'medium']],
  ['userHeightCm', null, [['180', 'userHeightCm', 180], ['172.5', 'userHeightCm', 172.5]], ['0', '-5', 'tall', '999'], ['userHeightCm', 0]],
  ['devicePitchDeg', null, [['-12.5', 'devicePitchDeg', -12.5]], ['91', 'x'], ['devicePitchDeg', 0]],
  ['isAndroid', 'android', [['true', 'isAndroid', true]], ['maybe'], ['isAndroid', false]],
  ['isMobile', null, [['true', 'isMobile', true]], ['2'], ['isMobile', false]],
  ['width', null, [['640', 'width', 640]], ['0', '-1', '12.5', '99999'], ['width', 0]],
  ['height', null, [['480', 'height', 480]], ['abc'], ['height', 0]],
  ['poseBackend', null, [['wasm', 'poseBackend', 'wasm'], ['webgl', 'poseBackend', 'webgl']], ['webgpu'], ['poseBackend', 'webgl']],
  ['runInWorker', null, [['false', 'runInWorker', false]], ['no'], ['runInWorker', true]],
  ['threads', null, [['2', 'threads', 2], ['1', 'threads', 1], ['auto', 'threads', 'auto']], ['0', '5', 'two', '2.0'], ['threads', 'auto']],
  ['showUpload', null, [['false', 'showUpload', false]], ['hidden'], ['showUpload', true]],
  ['export', null, [['true', 'export', true], ['1', 'export', true], ['false', 'export', false]], ['yes'], ['export', false]],
  ['objectFit', null, [['cover', 'objectFit', 'cover']], ['stretch'], ['objectFit', 'contain']],
  ['uploadButtonPosition', null, [['floating', 'uploadButtonPosition', 'floating']], ['middle'], ['uploadButtonPosition', 'center']],
  ['containerMinHeight', null, [['300', 'containerMinHeight', 300]], ['-3'], ['containerMinHeight', 200]],
  ['containerMaxWidth', null, [['900', 'containerMaxWidth', 900]], ['wide'], ['containerMaxWidth', 0]],
  ['containerMaxHeight', null, [['700', 'containerMaxHeight', 700]], ['1e9'], ['containerMaxHeight', 0]],
  ['uploadAreaPadding', null, [['20', 'uploadAreaPadding', 20]], ['-1'], ['uploadAreaPadding', 12]],
  ['videoSrc', null, [['https://cdn.example.com/a.mp4', 'videoSrc', 'https://cdn.example.com/a.mp4']], ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://x/y.mp4'], ['videoSrc', '']],
  ['imageSrc', null, [['data:image/png;base64,AAAA', 'imageSrc', 'data:image/png;base64,AAAA']], ['data:text/html,<b>x</b>', 'vbscript:x'], ['imageSrc', '']],
  ['poseEngine', null, [['tfjs', 'plan', 'developer']], ['onnx'], ['plan', 'developer']],
];

describe('every supported parameter: valid, invalid, alias, default', () => {
  for (const [name, alias, valids, invalids, [defField, defValue]] of SUPPORTED) {
    test(name, () => {
      assert.equal(parse('')[defField], defValue, `default of ${name}`);
      for (const [value, field, expected] of valids) {
        assert.deepEqual(parse(`${name}=${encodeURIComponent(value)}`)[field], expected, `${name}=${value}`);
        if (alias) assert.deepEqual(parse(`${alias}=${encodeURIComponent(value)}`)[field], expected, `${alias}=${value}`);
      }
      for (const value of invalids) {
        const p = rejects(`${name}=${encodeURIComponent(value)}`, 'invalid_param');
        assert.equal(p.details.param, name);
        assert.equal(p.details.value, value);
        assert.ok(p.details.allowed, 'allowed values are named');
      }
    });
  }
});

// Parameters whose feature is not built: parsed, validated, then refused.
const NOT_YET = [
  ['postureBox', 'true'],
  ['placementOverlay', 'true'], ['placementZoneColor', '#19221f'], ['placementOverlayOpacity', '0.5'],
  ['placementImageOpacity', '0.9'], ['placementBoxStrokeColor', '#e2e2ef'], ['silhouetteColor', '#ffffff'],
  ['silhouetteShadow', '#000'], ['silhouette', 'false'], ['placementZone', 'false'], ['timer', '3'], ['timer', 'true'],
  ['timerSeconds', '5'], ['timerBg', '#000000'], ['timerColor', '#fff'], ['timerBorder', '#abc'], ['guide', 'true'],
  ['placementOverlayImageUrl', 'https://x.example/a.png'], ['paddingHorizontal', '12'], ['paddingVertical', '8'],
  ['paddingLeft', '5'], ['paddingRight', '5'], ['paddingTop', '5'], ['paddingBottom', '5'], ['engineDebug', 'true'],
  ['placement', 'true'], ['placementCountdownSeconds', '3'], ['skeleton', 'd9b1c4e2-uuid'],
];

describe('features not built yet', () => {
  test('give feature_not_available naming the parameter', () => {
    for (const [name, value] of NOT_YET) {
      const p = rejects(`${name}=${encodeURIComponent(value)}`, 'feature_not_available');
      assert.equal(p.details.param, name);
    }
  });
  test('their default values are accepted', () => {
    for (const q of ['blazepose=false', 'export=false', 'engine=v3', 'silhouette=true', 'placementZone=true', 'guide=false', 'postureBox=false'])
      assert.ok(parse(q));
  });
  test('bad values are invalid_param first', () => {
    for (const q of ['placementZoneColor=red', 'placementOverlayOpacity=2', 'timer=forever', 'engine=v5', 'blazepose=maybe', 'mediapipeModel=huge'])
      rejects(q, 'invalid_param');
  });
});

describe('BlazePose', () => {
  test('blazepose=true runs BlazePose lite unless mediapipeModel names another', () => {
    assert.deepEqual([parse('').blazepose, parse('').mediapipeModel], [false, 'lite']);
    assert.deepEqual([parse('blazepose=true').blazepose, parse('blazepose=true').mediapipeModel], [true, 'lite']);
    for (const m of ['lite', 'full', 'heavy']) assert.equal(parse(`blazepose=true&mediapipeModel=${m}`).mediapipeModel, m);
  });
});

describe('unknown parameters are ignored', () => {
  test('anything not in the reference', () => {
    const p = parse('foo=bar&utm_source=x&Source=nope&&=&x');
    assert.equal(p.source, 'video');
  });
});

describe('cross-parameter rules', () => {
  test('exercise + reference: the reference literal', () => {
    const p = rejects('exercise=squat&reference=abc', 'invalid_param');
    assert.equal(p.message, 'You cannot combine reference & exercise. Please check the documentation.');
  });
  test('unknown exercise: invalid_exercise with the V3 text', () => {
    const p = rejects('exercise=split_jump', 'invalid_exercise');
    assert.equal(p.message, "Exercise 'split_jump' is not available in V3 engine");
  });
  test('engine=v4: the V4 ids (reference §8) run, the others are refused naming V4', () => {
    for (const id of ['squat', 'shoulder_roll', 'shoulder_deep_breath', 'chair_forward_fold'])
      assert.equal(parse(`engine=v4&exercise=${id}`).exercise, id);
    assert.equal(parse('engine=v4').engine, 'v4');
    assert.equal(parse('exercise=shoulder_roll').engine, 'v3'); // V4 ids run without the flag too
    const p = rejects('engine=v4&exercise=push_up', 'invalid_exercise');
    assert.equal(p.message, "Exercise 'push_up' is not available in V4 engine");
    rejects('engine=v4&exercise=jump', 'invalid_exercise'); // jumps are V3-only
  });
  test('userExercise: an id of letters, digits, - and _ (it names a file on the server)', () => {
    assert.equal(parse('userExercise=My-move_2').userExercise, 'My-move_2');
    for (const bad of ['a.b', '..', 'a~b', 'x%2Fy', 'a=b']) rejects(`userExercise=${bad}`, 'invalid_param');
    const p = rejects('exercise=squat&userExercise=m1', 'invalid_param');
    assert.equal(p.message, 'You cannot combine reference & exercise. Please check the documentation.');
  });
  test('aliases resolve to canonical ids', () => {
    for (const [alias, canonical] of [['face_squat', 'squat'], ['face_pushup', 'push_up'], ['pushup', 'push_up'], ['jump', 'air_time_jump'], ['face_plank', 'plank'], ['face_balance_leg_left', 'balance_leg_left']])
      assert.equal(parse(`exercise=${alias}`).exercise, canonical, alias);
  });
  test('jump_analysis needs userHeightCm', () => {
    const p = rejects('exercise=jump_analysis', 'jump_analysis_missing_height');
    assert.equal(p.message, 'User height (userHeightCm) must be provided for jump_analysis exercise');
    assert.equal(parse('exercise=jump_analysis&userHeightCm=175').exercise, 'jump_analysis');
  });
});

describe('plans × gated features', () => {
  const GATED = [
    ['angles=true', 'angles'], ['progression=true&exercise=squat', 'progression'],
    ['recommendations=true&exercise=squat', 'recommendations'], ['keypoints=true&exercise=squat', 'keypoints'],
    ['blazepose=true', 'blazepose'], ['export=true', 'export'],
  ];
  for (const plan of ['free', 'developer', 'custom', 'company', 'enterprise']) {
    test(plan, () => {
      for (const [q, feature] of GATED) {
        if (plan === 'free') {
          const p = rejects(q, 'developer_features_not_allowed', plan);
          assert.equal(p.message, 'You cannot use developer features. (visit: https://posetracker.gitbook.io/posetracker-api/tracking-endpoint)');
          assert.deepEqual(p.details.features, [feature]);
        } else {
          assert.ok(parse(q, plan), `${plan}: ${q}`);
        }
      }
      // Never gated: pose-only keypoints, exercises, counters, skeleton.
      assert.equal(parse('keypoints=true', plan).keypoints, true);
      assert.equal(parse('exercise=squat&skeleton=false', plan).exercise, 'squat');
    });
  }
  test('an unknown plan is refused', () => {
    assert.throws(() => parse('', 'platinum'), { code: 'invalid_argument' });
  });
});

describe('DOM safety rules', () => {
  test('uploadLabel is text, never markup (the page sets textContent)', () => {
    const label = '<img src=x onerror=alert(1)>';
    assert.equal(parse(`uploadLabel=${encodeURIComponent(label)}`).uploadLabel, label);
    assert.equal(parse(`uploadLabel=${encodeURIComponent('a\tb\nc\u0007')}`).uploadLabel, 'abc');
    rejects('uploadLabel=a%00b', 'invalid_param'); // an encoded NUL is a malformed URL
  });
  test('uploadButtonStyle keeps only the safe subset', () => {
    const cases = [
      ['background:url(javascript:alert(1))', ''],
      ['color: red; background-color: #123456', 'color: red; background-color: #123456'],
      ['color: red; position: fixed; top: 0', 'color: red'],
      ['width: expression(alert(1))', ''],
      ['color: rgb(1, 2, 3); border-radius: 8px', 'color: rgb(1, 2, 3); border-radius: 8px'],
      ['color: red\\;behavior:url(x)', ''],
      ['color: red; font-size: 14px; --x: 1', 'color: red; font-size: 14px'],
      ['background: red</style><script>alert(1)</script>', ''],
      ['color: var(--evil)', ''],
      ['padding: 4px 8px; margin: 0 auto; font-weight: 700; height: 40px', 'padding: 4px 8px; margin: 0 auto; font-weight: 700; height: 40px'],
    ];
    for (const [input, expected] of cases)
      assert.equal(parse(`uploadButtonStyle=${encodeURIComponent(input)}`).uploadButtonStyle, expected, input);
  });
  test('class parameters keep only class-name characters', () => {
    assert.equal(parse(`containerClass=${encodeURIComponent('x onclick=alert(1)')}`).containerClass, 'x');
    assert.equal(parse(`uploadButtonClass=${encodeURIComponent('btn btn-primary my_btn "><script>')}`).uploadButtonClass, 'btn btn-primary my_btn');
    assert.equal(parse(`containerClass=${encodeURIComponent('"autofocus onfocus=alert(1) x="')}`).containerClass, '');
  });
  test('media URLs: http(s), blob and data image/video only', () => {
    assert.equal(parse('videoSrc=blob:https://app.example.com/123').videoSrc, 'blob:https://app.example.com/123');
    for (const bad of ['javascript:alert(1)', ' https://x/a.mp4', 'https://x/a b.mp4', 'https://x/"onerror=1', 'data:text/html;base64,PHNjcmlwdD4='])
      rejects(`videoSrc=${encodeURIComponent(bad)}`, 'invalid_param');
  });
});
